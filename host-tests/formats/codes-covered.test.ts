import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Every code of the "images and bundles" group is asserted by some test here,
// so a code added without a test that raises it fails this one.
test('every image and bundle error code is raised by a test', () => {
  const errors = readFileSync(join(__dirname, '../../src/core/errors.ts'), 'utf8');
  const group = errors.slice(errors.indexOf('// images and bundles'), errors.indexOf('// flash'));
  const codes = [...group.matchAll(/^\s+([A-Z0-9_]+):/gm)].map((m) => m[1]);
  expect(codes.length).toBeGreaterThan(40);
  const tests = readdirSync(__dirname).filter((f) => f.endsWith('.test.ts') && f !== 'codes-covered.test.ts')
    .map((f) => readFileSync(join(__dirname, f), 'utf8')).join('\n');
  expect(codes.filter((c) => !tests.includes(`'${c}'`))).toEqual([]);
});
