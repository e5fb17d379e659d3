#!/usr/bin/env node
'use strict';
// Bundles the TypeScript bench (bench/main.ts) at each start, as
// tools/bin/reflasher.js does for the CLI, then runs it.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'build', 'bench', 'bench.cjs');
const result = esbuild.buildSync({
  entryPoints: [path.join(root, 'bench', 'main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
});
fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
fs.writeFileSync(tmp, result.outputFiles[0].contents);
fs.renameSync(tmp, out);
require(out);
