#!/usr/bin/env node
// XS heap during a reflash, measured by the host runner (not a timed test).
// Runs the same job with a 1 MiB and a 4 MiB image, embedded and over HTTP
// from 127.0.0.1, on a simulated 16 MiB ESP32 flash, and prints the XS heap
// peak above the idle heap (the firmware loaded, just before runJob).
// Passes when the live heap (what the job holds, sampled after a collection
// at every turn of the event loop) does not grow with the image size (within
// 10%) and stays under 64 KiB above idle. The allocation peak is printed too:
// it counts garbage not yet collected, so it tracks how far XS lets the heap
// grow before collecting, not what the job needs. Usage: node bench/heap.mjs [--json]
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNNER = join(ROOT, 'build/host/reflasher-host');
const MiB = 1024 * 1024;
const LIMIT_ABOVE_IDLE = 64 * 1024;
const GROWTH = 0.1;

const LAYOUT = [
  ['nvs', 1, 0x02, 0x9000, 0x6000],
  ['otadata', 1, 0x00, 0xf000, 0x2000],
  ['phy_init', 1, 0x01, 0x11000, 0x1000],
  ['ota_0', 0, 0x10, 0x20000, 0x100000],
  ['ota_1', 0, 0x11, 0x120000, 0x500000],
  ['storage', 1, 0x82, 0x620000, 0x500000],
];

function flashFile(dir) {
  const flash = Buffer.alloc(16 * MiB, 0xff);
  const table = flash.subarray(0x8000, 0x8c00);
  LAYOUT.forEach(([label, type, subtype, address, size], i) => {
    const o = i * 32;
    table[o] = 0xaa; table[o + 1] = 0x50; table[o + 2] = type; table[o + 3] = subtype;
    table.writeUInt32LE(address, o + 4); table.writeUInt32LE(size, o + 8);
    table.fill(0, o + 12, o + 32); table.write(label, o + 12, 'latin1');
  });
  const o = LAYOUT.length * 32;
  table[o] = 0xeb; table[o + 1] = 0xeb;
  createHash('md5').update(table.subarray(0, o)).digest().copy(table, o + 16);
  flash.fill(0x5a, 0x620000, 0xb20000); // old data: every sector must be erased and written
  const path = join(dir, 'flash.bin');
  writeFileSync(path, flash);
  return path;
}

function run(args) {
  return new Promise((resolveRun) => {
    const child = spawn(RUNNER, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => resolveRun(code));
  });
}

async function measure(server, kind, size) {
  const dir = mkdtempSync(join(tmpdir(), 'reflasher-heap-'));
  const image = randomBytes(size);
  writeFileSync(join(dir, 'image.bin'), image);
  server.image = image;
  const source = kind === 'embedded' ? { resource: 'image' } : { url: `http://127.0.0.1:${server.address().port}/image.bin` };
  const job = { images: [{ name: 'image', source, destination: 0x620000, regionSize: 0x500000, sha256: createHash('sha256').update(image).digest('hex') }] };
  writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
  const report = join(dir, 'report.json');
  const args = ['--heap-sample', '--flash', flashFile(dir), '--chip', 'esp32', '--running', 'ota_0', '--job', join(dir, 'job.json'), '--report', report, '--resource', `image=${join(dir, 'image.bin')}`];
  const status = await run(args);
  const r = JSON.parse(readFileSync(report, 'utf8'));
  if (status !== 0) throw new Error(`${kind} ${size}: runner exit ${status}: ${JSON.stringify(r.error)}`);
  return { kind, size, ...r.heap, modeledMs: r.modeledMs };
}

execFileSync('make', ['-C', 'host', '-j2', '--no-print-directory'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-length': server.image.length });
  res.end(server.image);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const rows = [];
try {
  for (const kind of ['embedded', 'http']) for (const size of [1 * MiB, 4 * MiB]) rows.push(await measure(server, kind, size));
} finally {
  server.close();
}

let ok = true;
if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  console.log('XS heap (host, 64-bit: a slot is %d bytes, 16 on the device)', rows[0].slotSize);
  console.log('peak: the most XS allocated at once, garbage included (bounded by the heap XS grew to);');
  console.log('live: the most still reachable after a collection, sampled at every turn of the event loop.');
  console.log('kind       image    idle B   peak B  peak-idle B  live-idle B  modelled s');
  for (const r of rows) console.log(`${r.kind.padEnd(9)} ${String(r.size / MiB).padStart(2)} MiB ${String(r.idleBytes).padStart(9)} ${String(r.peakBytes).padStart(8)} ${String(r.peakAboveIdleBytes).padStart(12)} ${String(r.liveAboveIdleBytes).padStart(12)} ${(r.modeledMs / 1000).toFixed(1).padStart(11)}`);
}
for (const kind of ['embedded', 'http']) {
  const [small, large] = rows.filter((r) => r.kind === kind);
  for (const field of ['liveAboveIdleBytes', 'peakAboveIdleBytes']) {
    const growth = (large[field] - small[field]) / Math.max(1, small[field]);
    const judged = field === 'liveAboveIdleBytes';
    const verdict = growth <= GROWTH && large[field] < LIMIT_ABOVE_IDLE;
    if (judged) ok &&= verdict;
    console.log(`${kind} ${field.slice(0, 4)}: 1 -> 4 MiB grows it by ${(growth * 100).toFixed(1)}% (limit ${GROWTH * 100}%); ${large[field]} B above idle (limit ${LIMIT_ABOVE_IDLE}): ${verdict ? 'ok' : judged ? 'FAIL' : 'over (not judged: garbage included)'}`);
  }
}
process.exit(ok ? 0 : 1);
