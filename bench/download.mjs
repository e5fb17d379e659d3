#!/usr/bin/env node
/**
 * Download throughput of the host runtime (XS, the http module, esp_http_client
 * over libcurl) for a 4 MiB image from a loopback server, against the curl
 * command fetching the same file to disk in the same run. Not a test: it prints
 * the figures and the ratio (target: the runtime no worse than 2x curl's time).
 *
 *   npm run build:host && node bench/download.mjs [--runs 7] [--https]
 *
 * Both sides are timed as whole processes (start, connect, transfer, exit),
 * and the runtime also reports its own transfer time from inside XS.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNTIME = process.env.XSR_HOST_RUNTIME ?? join(ROOT, 'build/host/reflasher-host');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 7;
const useTls = args.includes('--https');
const SIZE = 4 << 20;

const dir = mkdtempSync(join(tmpdir(), 'xsr-bench-'));
const image = randomBytes(SIZE);
const digest = createHash('sha256').update(image).digest('hex');

/** 4 MiB erased, with a partition table (factory, ota_0) and its MD5 entry: the runner needs one to start. */
function blankFlash() {
  const flash = Buffer.alloc(SIZE, 0xff);
  [[0x00, 0x00, 0x20000, 0x100000, 'factory'], [0x00, 0x10, 0x120000, 0x100000, 'ota_0']].forEach(([type, subtype, offset, size, label], i) => {
    const at = 0x8000 + i * 32;
    flash.set([0xaa, 0x50, type, subtype], at);
    flash.writeUInt32LE(offset, at + 4);
    flash.writeUInt32LE(size, at + 8);
    flash.fill(0, at + 12, at + 32);
    flash.write(label, at + 12, 'latin1');
  });
  flash.set([0xeb, 0xeb], 0x8040);
  flash.set(createHash('md5').update(flash.subarray(0x8000, 0x8040)).digest(), 0x8050);
  return flash;
}

function makeCert() {
  const run = (a) => execFileSync('openssl', a, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem',
    '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

const tls = useTls ? makeCert() : undefined;

// The probe firmware of the network tests; the flash is only required by the runner.
const firmware = join(dir, 'probe.js');
buildSync({ entryPoints: [join(ROOT, 'host-tests/net/probe/net-probe.ts')], bundle: true, format: 'iife', target: 'es2022', outfile: firmware, logLevel: 'warning' });
writeFileSync(join(dir, 'flash.bin'), blankFlash());

// spawnSync blocks this process's event loop: the server runs in a child.
const serverScript = join(dir, 'server.cjs');
writeFileSync(serverScript, `
const fs = require('fs'), http = require('http'), https = require('https');
const image = fs.readFileSync(process.argv[2]);
const tls = process.argv[3] ? { key: fs.readFileSync(process.argv[3]), cert: fs.readFileSync(process.argv[4]) } : null;
const h = (q, s) => { s.writeHead(200, { 'Content-Length': image.length }); s.end(image); };
const srv = tls ? https.createServer(tls, h) : http.createServer(h);
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
`);
writeFileSync(join(dir, 'image.bin'), image);
const child = spawn(process.execPath, [serverScript, join(dir, 'image.bin'), ...(tls ? [join(dir, 'key.pem'), join(dir, 'cert.pem')] : [])]);
const port = await new Promise((r) => child.stdout.once('data', (d) => r(Number(String(d).trim()))));
const target = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/image.bin`;

function timed(fn) {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
}

function runRuntime(noHash) {
  const job = join(dir, 'job.json');
  writeFileSync(job, JSON.stringify({ cases: [{ url: target, bufferSize: 65536, noHash, options: { caCert: tls?.cert } }] }));
  const { ms, out } = timed(() => spawnSync(RUNTIME, ['--flash', join(dir, 'flash.bin'), '--chip', 'esp32', '--running', 'factory',
    '--job', job, '--firmware', firmware], { encoding: 'utf8' }));
  const line = JSON.parse(out.stdout.split('\n').find((l) => l.startsWith('{')) ?? 'null');
  if (!line) throw new Error(`runtime run failed (exit ${out.status}): ${out.stderr}`);
  if (!line.ok || line.total !== SIZE || (!noHash && line.sha256 !== digest)) throw new Error(`runtime run failed: ${out.stdout} ${out.stderr}`);
  return { wall: ms, inside: line.ms };
}

function runCurl() {
  const out = join(dir, 'curl.bin');
  const { ms, out: r } = timed(() => spawnSync('curl', ['-s', '-o', out, ...(tls ? ['--cacert', join(dir, 'cert.pem')] : []), target]));
  if (r.status !== 0 || readFileSync(out).length !== SIZE) throw new Error(`curl failed: ${r.stderr}`);
  return { wall: ms };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { curl: [], runtime: [], runtimeInside: [], runtimeNoHash: [], runtimeNoHashInside: [] };
for (let i = 0; i < runs; i++) {
  samples.curl.push(runCurl().wall);
  const hashed = runRuntime(false);
  samples.runtime.push(hashed.wall);
  samples.runtimeInside.push(hashed.inside);
  const plain = runRuntime(true);
  samples.runtimeNoHash.push(plain.wall);
  samples.runtimeNoHashInside.push(plain.inside);
}
child.kill();
rmSync(dir, { recursive: true, force: true });

const mib = SIZE / (1 << 20);
const row = (name, ms) => `${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${(mib / (ms / 1000)).toFixed(0).padStart(6)} MiB/s`;
const curl = median(samples.curl);
const runtime = median(samples.runtime);
console.log(`4 MiB over ${tls ? 'https' : 'http'} from loopback, median of ${runs} runs`);
console.log(row('curl -o file (process)', curl));
console.log(row('host runtime + SHA-256 (process)', runtime));
console.log(row('host runtime + SHA-256 (transfer, inside XS)', median(samples.runtimeInside)));
console.log(row('host runtime, no hash (process)', median(samples.runtimeNoHash)));
console.log(row('host runtime, no hash (transfer, inside XS)', median(samples.runtimeNoHashInside)));
// curl only downloads: the like-for-like figure is the runtime without hashing.
console.log(`ratio runtime/curl, download only (process): ${(median(samples.runtimeNoHash) / curl).toFixed(2)}x (target <= 2x)`);
console.log(`ratio runtime/curl, with SHA-256 of every byte (process): ${(runtime / curl).toFixed(2)}x`);
