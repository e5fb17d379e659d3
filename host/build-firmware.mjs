#!/usr/bin/env node
// Bundles the firmware for the host runtime: host/firmware/entry.ts and what
// it imports (the engine, src/device, the module faces) into one script,
// build/host/firmware.js, that the runner evaluates in XS. The specifier
// "Resource" (a Moddable module on the device) maps to the host version.
// Usage: node host/build-firmware.mjs [entry.ts] [out.js]
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const entry = resolve(process.argv[2] ?? resolve(here, 'firmware/entry.ts'));
const outfile = resolve(process.argv[3] ?? resolve(root, 'build/host/firmware.js'));

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  alias: { Resource: resolve(here, 'firmware/resource.ts') },
  logLevel: 'warning',
  legalComments: 'none',
});
