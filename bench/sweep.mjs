#!/usr/bin/env node
// The full power-cut sweep of issue 6, too slow for the test suite (about
// 1200 cuts, two runner processes each): the demo's job on a simulated 4 MiB
// ESP32 (new bootloader, new partition table, new app), cut after every flash
// operation, the firmware run again on what the cut left, each cut classified
// by the boot-chain model. `npm run bench:sweep [-- --step k] [-- --json]`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The commands' progress goes to stderr; only their results (stdout) are read.
const reflasher = (args) => execFileSync(process.execPath, [join(root, 'tools/bin/reflasher.js'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
const args = process.argv.slice(2);
const step = args.includes('--step') ? args[args.indexOf('--step') + 1] : '1';

const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
reflasher(['demo', '--keep', dir]);
const started = Date.now();
const out = JSON.parse(reflasher(['simulate', '--flash', join(dir, 'flash-before.bin'), '--bundle', join(dir, 'bundle'),
  '--public-key', join(dir, 'key.pub.pem'), '--power-cut-sweep', '--sweep-step', step, '--json']));
const { counts, ranges, cutsTried } = out.sweep;
const summary = {
  job: 'demo: bootloader 24 KiB, partition table, app 256 KiB; 4 MiB ESP32',
  cutsTried, step: Number(step), counts, ranges,
  brickWindowMs: out.brickWindowMs, modeledMs: out.modeledMs, floorMs: out.floorMs,
  wallSeconds: Math.round((Date.now() - started) / 1000),
};
if (args.includes('--json')) {
  console.log(JSON.stringify(summary, null, 2));
} else {
  console.log(`${summary.job}: ${cutsTried} cuts (every ${step}), ${summary.wallSeconds} s`);
  for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(17)} ${v}`);
  for (const r of ranges) console.log(`  ops ${String(r.fromOps).padStart(5)}..${String(r.toOps).padEnd(5)} ${r.class}`);
  console.log(`  brick window ${out.brickWindowMs} ms of ${out.modeledMs} ms modelled (floor ${out.floorMs} ms)`);
}
