'use strict';
// Bundles a TypeScript entry for Node at each start (a few tens of ms with
// esbuild) and loads it, so a clone never runs a stale build and needs no
// install-time build step. Shared by the reflasher command and the bench.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..', '..');

/** @param entry path from the repository root; @param out path under build/ */
function loadTs(entry, out) {
  const result = esbuild.buildSync({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
    external: ['esbuild'],
  });
  // Parallel runs (jest workers) must never read a half-written bundle: write aside, then rename.
  const file = path.join(root, 'build', out);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, file);
  return require(file);
}

module.exports = { loadTs };
