#!/usr/bin/env node
// `npm run typecheck:device`: tsc --noEmit over src/ and modules/ as mcconfig
// compiles them (TypeScript 6, es2025, Moddable typings). With MODDABLE set,
// the SDK's own typings ($MODDABLE/typings, $MODDABLE/xs/includes/xs.d.ts)
// replace the npm package @moddable/typings 5.6.0, which is older than SDK 8.2.
// Nothing of the SDK is copied: the generated tsconfig only points at it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
let project = join(root, 'tsconfig.device.json');

const moddable = process.env.MODDABLE;
if (moddable) {
  const typings = join(moddable, 'typings');
  const xs = join(moddable, 'xs', 'includes', 'xs.d.ts');
  if (!existsSync(typings) || !existsSync(xs)) {
    console.error(`typecheck:device: MODDABLE=${moddable} has no typings/ or xs/includes/xs.d.ts; unset MODDABLE to use @moddable/typings from npm`);
    process.exit(2);
  }
  const dir = join(root, 'node_modules', '.cache', 'xs-reflasher');
  mkdirSync(dir, { recursive: true });
  project = join(dir, 'tsconfig.device.moddable.json');
  writeFileSync(project, JSON.stringify({
    extends: join(root, 'tsconfig.device.json'),
    include: [join(root, 'src'), join(root, 'modules'), join(root, 'x-cli-lin'), join(root, 'types', '*.d.ts'), join(typings, '**', '*.d.ts'), xs],
  }, null, 2));
  console.log(`typecheck:device: Moddable typings from ${typings}`);
} else {
  console.log('typecheck:device: Moddable typings from @moddable/typings (npm); set MODDABLE to check against the SDK\'s own');
}
const r = spawnSync(tsc, ['--noEmit', '-p', project], { stdio: 'inherit' });
process.exit(r.status ?? 1);
