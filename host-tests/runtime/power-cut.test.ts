/**
 * --power-cut N: ops 1..N complete, op N+1 is torn exactly as nor_sim.h
 * promises (first half of the erase unit erased / first half of the page
 * piece programmed, the rest as before), nothing after it runs, exit 3.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHost, makeFlash, readFlash, runHost, script, tempDir } from './helpers';

beforeAll(buildHost, 180000);

// op 1: erase sector 0x300000; ops 2, 3: program pages 0x300000 and 0x300100;
// op 4: erase block 0x310000; op 5: program page 0x310000.
const BODY = `
const flash = new RawFlash();
const data = new Uint8Array(512).map((_, i) => i & 0x7f);
native("xs_rawflash_erase").call(flash, 0x300000, 0x1000);
native("xs_rawflash_write").call(flash, 0x300000, data);
native("xs_rawflash_erase").call(flash, 0x310000, 0x10000);
native("xs_rawflash_write").call(flash, 0x310000, data.subarray(0, 256));
finish("ran to the end");
`;

function cut(n: number | undefined) {
  const dir = tempDir();
  const flash = makeFlash(dir);
  const bytes = readFileSync(flash);
  bytes.fill(0x00, 0x300000, 0x301000); // old content the erases replace
  bytes.fill(0x00, 0x310000, 0x320000);
  writeFileSync(flash, bytes);
  const trace = join(dir, 'trace.jsonl');
  const r = runHost(dir, { flash, firmware: script(dir, BODY), trace, powerCut: n });
  const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { ...r, flash, lines };
}

const data = Array.from({ length: 512 }, (_, i) => i & 0x7f);
const all = (b: Buffer, v: number) => b.every((x) => x === v);

test('without a cut the script runs to the end (the reference for the cuts below)', () => {
  const r = cut(undefined);
  expect(r.status).toBe(0);
  expect(r.report.ops.ops).toBe(5);
  expect([...readFlash(r.flash, 0x300000, 512)]).toEqual(data);
});

test('cut after 0 ops: the first sector erase is torn, first half 0xFF, second half as before', () => {
  const r = cut(0);
  expect(r.status).toBe(3);
  expect(r.report).toMatchObject({ ok: false, outcome: 'power-cut', exitCode: 3, powerCut: { afterOps: 0, happened: true } });
  expect(r.report.firmware).toBeNull();
  expect(all(readFlash(r.flash, 0x300000, 0x800), 0xff)).toBe(true);
  expect(all(readFlash(r.flash, 0x300800, 0x800), 0x00)).toBe(true);
  expect(r.lines.at(-1)).toMatchObject({ op: 'power-cut', n: 1, during: 'erase', address: 0x300000, size: 0x1000 });
});

test('cut after 2 ops: the second page program is torn, its first 128 bytes programmed, the rest still erased', () => {
  const r = cut(2);
  expect(r.status).toBe(3);
  expect(r.report.ops).toMatchObject({ ops: 2, erase4k: 1, pagePrograms: 1 });
  expect([...readFlash(r.flash, 0x300000, 256 + 128)]).toEqual(data.slice(0, 384));
  expect(all(readFlash(r.flash, 0x300180, 0x80), 0xff)).toBe(true);
  expect(all(readFlash(r.flash, 0x300200, 0xe00), 0xff)).toBe(true);
  expect(all(readFlash(r.flash, 0x310000, 0x10000), 0x00)).toBe(true); // never reached
  expect(r.lines.at(-1)).toMatchObject({ op: 'power-cut', n: 3, during: 'write', address: 0x300100, size: 256 });
});

test('cut after 3 ops: the 64 KiB block erase is torn at 32 KiB', () => {
  const r = cut(3);
  expect(r.status).toBe(3);
  expect(all(readFlash(r.flash, 0x310000, 0x8000), 0xff)).toBe(true);
  expect(all(readFlash(r.flash, 0x318000, 0x8000), 0x00)).toBe(true);
  expect([...readFlash(r.flash, 0x300000, 512)]).toEqual(data);
});

test('a cut past the last op never happens', () => {
  const r = cut(5);
  expect(r.status).toBe(0);
  expect(r.report.powerCut).toEqual({ afterOps: 5, happened: false });
  expect(r.report.firmware).toBe('ran to the end');
});
