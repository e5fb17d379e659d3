/**
 * The NOR simulator's semantics as the modules see them, through esp_flash:
 * erase units and their alignment, bits that only clear, writes over
 * non-erased bytes flagged as defects, op counters and modelled time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHost, makeFlash, readFlash, runHost, script, tempDir } from './helpers';

beforeAll(buildHost, 180000);

const erase = (a: number, l: number) => `native("xs_rawflash_erase").call(flash, ${a}, ${l});`;
const write = (a: number, expr: string) => `native("xs_rawflash_write").call(flash, ${a}, ${expr});`;

function run(body: string, extra: { strict?: boolean; trace?: string } = {}) {
  const dir = tempDir();
  const flash = makeFlash(dir);
  const firmware = script(dir, `const flash = new RawFlash();\n${body}`);
  return { dir, flash, ...runHost(dir, { flash, firmware, ...extra }) };
}

test('erase_region uses 64 KiB blocks where aligned and 4 KiB sectors elsewhere, as esp_flash_api.c does', () => {
  // 0x30F000 + 0x22000: 1 sector to reach 0x310000, 2 blocks (0x310000..0x330000), 1 sector.
  const r = run(`${erase(0x30f000, 0x22000)} finish(null);`);
  expect(r.status).toBe(0);
  expect(r.report.ops).toMatchObject({ erase4k: 2, erase64k: 2, erase32k: 0 });
  expect(r.report.modeledMs).toBeCloseTo(2 * 45 + 2 * 150, 3);
});

test('a 32 KiB aligned erase is 8 sector erases: esp_flash has no 32 KiB block erase', () => {
  const r = run(`${erase(0x308000, 0x8000)} finish(null);`);
  expect(r.report.ops).toMatchObject({ erase4k: 8, erase32k: 0, erase64k: 0 });
});

test('erase sets 0xFF, write only clears bits, and a write over programmed bytes is a counted defect', () => {
  const r = run(`
    ${write(0x300000, 'bytes(16, 0xF0)')}
    ${write(0x300000, 'bytes(16, 0x0F)')}
    ${write(0x300100, 'bytes(4, 0xFF)')}
    finish(null);`);
  expect(r.status).toBe(0);
  expect([...readFlash(r.flash, 0x300000, 17)]).toEqual([...Array(16).fill(0x00), 0xff]);
  expect(r.report.defects).toEqual({ count: 1, bytes: 16, firstAddress: 0x300000 });
  // Writing 0xFF over programmed bytes changes nothing and is no defect; over erased bytes it is a plain write.
  const again = run(`${write(0x300000, 'bytes(4, 0x00)')} ${write(0x300000, 'bytes(4, 0xFF)')} finish(null);`);
  expect(again.report.defects.count).toBe(0);
  const erased = run(`${write(0x301000, 'bytes(8, 0x12)')} ${erase(0x301000, 0x1000)} ${write(0x301000, 'bytes(8, 0x34)')} finish(null);`);
  expect(erased.report.defects.count).toBe(0);
  expect([...readFlash(erased.flash, 0x301000, 9)]).toEqual([...Array(8).fill(0x34), 0xff]);
});

test('strict mode refuses a write over programmed bytes and leaves them as they were', () => {
  const r = run(`
    ${write(0x300000, 'bytes(8, 0xF0)')}
    const code = codeOf(() => { ${write(0x300000, 'bytes(8, 0x0F)')} });
    finish(code);`, { strict: true });
  expect(r.report.firmware).toBe('FLASH_IO');
  expect([...readFlash(r.flash, 0x300000, 8)]).toEqual(Array(8).fill(0xf0));
  expect(r.report.defects.count).toBe(1);
});

test('writes count one op and 0.4 ms per 256-byte page touched; reads are counted but are no ops', () => {
  // 0x3000F0 + 0x200 touches 3 pages: 0x300000, 0x300100, 0x300200.
  const r = run(`${write(0x3000f0, 'bytes(0x200, 0)')} native("xs_rawflash_read").call(flash, 0, new Uint8Array(1024)); finish(null);`);
  expect(r.report.ops).toMatchObject({ pagePrograms: 3, ops: 3, bytesWritten: 0x200, bytesRead: 1024 });
  expect(r.report.modeledMs).toBeCloseTo(3 * 0.4 + 0.1, 3);
});

test('the trace has one JSON line per erase unit, write and read', () => {
  const dir = tempDir();
  const trace = join(dir, 'trace.jsonl');
  const r = run(`${erase(0x300000, 0x11000)} ${write(0x300000, 'bytes(300, 1)')} native("xs_rawflash_read").call(flash, 0x300000, new Uint8Array(4)); finish(null);`, { trace });
  expect(r.status).toBe(0);
  const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.op, l.address, l.size])).toEqual([
    ['erase', 0x300000, 0x10000],
    ['erase', 0x310000, 0x1000],
    ['write', 0x300000, 300],
    ['read', 0x300000, 4],
  ]);
  expect(lines.map((l) => l.n)).toEqual([1, 2, 4, undefined]);
});

test('the simulator erases 32 KiB and 64 KiB units only at their own alignment', () => {
  const unit = (a: number, u: number) => `codeOf(() => native("xs_hostsim_erase_unit")(${a}, ${u}))`;
  const r = run(`
    ${write(0x308000, 'bytes(16, 0)')}
    finish([${unit(0x308000, 0x8000)}, ${unit(0x304000, 0x8000)}, ${unit(0x308000, 0x10000)}, ${unit(0x300000, 0x2000)}, ${unit(0x3f8000, 0x10000)}]);`);
  expect(r.report.firmware).toEqual(['none', 'FLASH_ALIGN', 'FLASH_ALIGN', 'FLASH_ALIGN', 'FLASH_ALIGN']);
  expect(r.report.ops).toMatchObject({ erase32k: 1, erase4k: 0, erase64k: 0 });
  expect(r.report.modeledMs).toBeCloseTo(0.4 + 120, 3);
  expect([...readFlash(r.flash, 0x308000, 16)]).toEqual(Array(16).fill(0xff));
});
