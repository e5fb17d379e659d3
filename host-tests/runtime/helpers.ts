/**
 * Shared by the runtime tests: builds the host runner (make is incremental),
 * makes flash files with a real binary partition table, and runs the runner.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const RUNNER = join(ROOT, 'build/host/reflasher-host');
export const MiB = 1024 * 1024;

/** Builds build/host: the runner and the firmware bundle (the Makefile serialises parallel builds). */
export function buildHost(): void {
  execFileSync('make', ['-C', 'host', '-j2', '--no-print-directory'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'reflasher-rt-'));
}

export interface TableEntry {
  label: string;
  type: number;
  subtype: number;
  address: number;
  size: number;
  flags?: number;
}

/** A 4 MiB ESP32 layout: two 1 MiB OTA slots, the reflasher runs from ota_0. */
export const LAYOUT_4M: TableEntry[] = [
  { label: 'nvs', type: 1, subtype: 0x02, address: 0x9000, size: 0x6000 },
  { label: 'otadata', type: 1, subtype: 0x00, address: 0xf000, size: 0x2000 },
  { label: 'phy_init', type: 1, subtype: 0x01, address: 0x11000, size: 0x1000 },
  { label: 'ota_0', type: 0, subtype: 0x10, address: 0x20000, size: 0x100000 },
  { label: 'ota_1', type: 0, subtype: 0x11, address: 0x120000, size: 0x100000 },
  { label: 'storage', type: 1, subtype: 0x82, address: 0x220000, size: 0x1e0000 },
];

/** The binary table: 32-byte entries, the MD5 entry, then 0xFF (as gen_esp32part.py writes it). */
export function partitionTable(entries: TableEntry[], md5 = true): Uint8Array {
  const table = Buffer.alloc(0xc00, 0xff);
  entries.forEach((e, i) => {
    const o = i * 32;
    table[o] = 0xaa;
    table[o + 1] = 0x50;
    table[o + 2] = e.type;
    table[o + 3] = e.subtype;
    table.writeUInt32LE(e.address, o + 4);
    table.writeUInt32LE(e.size, o + 8);
    table.fill(0, o + 12, o + 28);
    table.write(e.label, o + 12, 'latin1');
    table.writeUInt32LE(e.flags ?? 0, o + 28);
  });
  if (md5) {
    const o = entries.length * 32;
    table[o] = 0xeb;
    table[o + 1] = 0xeb;
    createHash('md5').update(table.subarray(0, o)).digest().copy(table, o + 16);
  }
  return table;
}

/** A flash file of `size` bytes of 0xFF with the table at 0x8000. */
export function makeFlash(dir: string, size = 4 * MiB, entries = LAYOUT_4M, name = 'flash.bin'): string {
  const flash = Buffer.alloc(size, 0xff);
  Buffer.from(partitionTable(entries)).copy(flash, 0x8000);
  const path = join(dir, name);
  writeFileSync(path, flash);
  return path;
}

export interface HostRun {
  status: number | null;
  stdout: string;
  stderr: string;
  report: any;
}

export interface HostOptions {
  flash: string;
  chip?: string;
  running?: string;
  job?: unknown;
  firmware?: string;
  resources?: Record<string, string>;
  trace?: string;
  powerCut?: number;
  strict?: boolean;
  extra?: string[];
}

export function runHost(dir: string, o: HostOptions): HostRun {
  const jobPath = join(dir, 'job.json');
  writeFileSync(jobPath, JSON.stringify(o.job ?? { images: [] }));
  const reportPath = join(dir, 'report.json');
  const args = ['--flash', o.flash, '--chip', o.chip ?? 'esp32', '--running', o.running ?? 'ota_0', '--job', jobPath, '--report', reportPath];
  if (o.firmware) args.push('--firmware', o.firmware);
  for (const [name, path] of Object.entries(o.resources ?? {})) args.push('--resource', `${name}=${path}`);
  if (o.trace) args.push('--trace', o.trace);
  if (o.powerCut !== undefined) args.push('--power-cut', String(o.powerCut));
  if (o.strict) args.push('--strict');
  args.push(...(o.extra ?? []));
  if (existsSync(reportPath)) writeFileSync(reportPath, '');
  const r = spawnSync(RUNNER, args, { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  let report: any;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    report = undefined;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, report };
}

/**
 * A plain-JS firmware: `body` runs with `finish(value)` to end the run with
 * exit 0 and `value` in the report's `firmware` field, and `codeOf(fn)` that
 * returns the code prefix of what fn throws (or 'none').
 */
export function script(dir: string, body: string, name = 'script.js'): string {
  const path = join(dir, name);
  writeFileSync(path, `
const finish = (value) => native("xs_runner_finish")(true, false, JSON.stringify(value));
const codeOf = (fn) => { try { fn(); return "none"; } catch (e) { const m = /^([A-Z]+_[A-Z_]+): /.exec(e.message); return m ? m[1] : e.name + ": " + e.message; } };
class RawFlash extends Native("xs_rawflash_destructor") {
  constructor() { super(); native("xs_rawflash_constructor").call(this); }
}
const bytes = (n, v) => new Uint8Array(n).fill(v);
${body}
`);
  return path;
}

export function readFlash(path: string, address: number, length: number): Buffer {
  return readFileSync(path).subarray(address, address + length);
}

/** Bundles a TypeScript firmware (absolute imports allowed) as the runner's build does. */
export function bundle(dir: string, source: string, name = 'firmware.ts'): string {
  const entry = join(dir, name);
  const out = join(dir, name.replace(/\.ts$/, '.js'));
  writeFileSync(entry, source);
  execFileSync('node', [join(ROOT, 'host/build-firmware.mjs'), entry, out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

/** CRC32-LE as esp_rom_crc32_le(0xFFFFFFFF, ...) computes it (the otadata crc). */
export function crc32le(data: Uint8Array, seed = 0xffffffff): number {
  let crc = ~seed >>> 0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
