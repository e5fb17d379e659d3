/** @type {import('jest').Config} */
module.exports = {
  testMatch: ['<rootDir>/host-tests/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
  },
  testEnvironment: 'node',
};
