#!/usr/bin/env node
'use strict';
// Bundles the TypeScript CLI at each start (a few tens of ms with esbuild), so
// a clone never runs a stale build and needs no install-time build step.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'build', 'cli', 'reflasher.cjs');
const result = esbuild.buildSync({
  entryPoints: [path.join(root, 'tools', 'cli', 'main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
  external: ['esbuild'],
});
// Parallel runs (jest workers) must never read a half-written bundle: write aside, then rename.
fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
fs.writeFileSync(tmp, result.outputFiles[0].contents);
fs.renameSync(tmp, out);
require(out).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
