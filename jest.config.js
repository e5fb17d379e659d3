/** @type {import('jest').Config} */
module.exports = {
  testMatch: ['<rootDir>/host-tests/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  testEnvironment: 'node',
};
