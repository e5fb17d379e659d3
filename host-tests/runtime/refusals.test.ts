/**
 * The module C refuses on its own, with the JS face bypassed: erase or write
 * over the running app, unaligned erase, out of bounds, non-integer
 * addresses. Each refusal leaves the flash untouched.
 */
import { buildHost, makeFlash, readFlash, runHost, script, tempDir } from './helpers';

beforeAll(buildHost, 180000);

function codes(calls: string[], running = 'ota_0') {
  const dir = tempDir();
  const flash = makeFlash(dir);
  const firmware = script(dir, `const flash = new RawFlash();\nfinish([${calls.map((c) => `codeOf(() => ${c})`).join(',\n')}]);`);
  const r = runHost(dir, { flash, firmware, running });
  expect(r.status).toBe(0);
  return { codes: r.report.firmware as string[], ops: r.report.ops, flash };
}

const erase = (a: number | string, l: number | string) => `native("xs_rawflash_erase").call(flash, ${a}, ${l})`;
const write = (a: number | string, n: number) => `native("xs_rawflash_write").call(flash, ${a}, new Uint8Array(${n}))`;
const read = (a: number | string, n: number) => `native("xs_rawflash_read").call(flash, ${a}, new Uint8Array(${n}))`;

test('erase and write over the running app partition are FLASH_PROTECTED, at either edge', () => {
  // ota_0 is 0x20000..0x120000.
  const r = codes([
    erase(0x20000, 0x1000),
    erase(0x11f000, 0x1000),
    erase(0x10000, 0x20000), // straddles the start
    erase(0x0, 0x400000), // contains it
    write(0x11ffff, 1),
    write(0x1fff0, 0x20), // straddles the start
    erase(0x1f000, 0x1000), // just before: allowed
    erase(0x120000, 0x1000), // just after: allowed
    write(0x1ffff, 1), // last byte before: allowed
  ]);
  expect(r.codes).toEqual(['FLASH_PROTECTED', 'FLASH_PROTECTED', 'FLASH_PROTECTED', 'FLASH_PROTECTED', 'FLASH_PROTECTED', 'FLASH_PROTECTED', 'none', 'none', 'none']);
  expect(r.ops.erase4k).toBe(2);
});

test('the protected range follows --running', () => {
  const r = codes([erase(0x20000, 0x1000), erase(0x120000, 0x1000), write(0x1fffff, 1)], 'ota_1');
  expect(r.codes).toEqual(['none', 'FLASH_PROTECTED', 'FLASH_PROTECTED']);
});

test('erase not aligned to 4 KiB is FLASH_ALIGN, checked after bounds', () => {
  const r = codes([erase(0x300001, 0x1000), erase(0x300000, 0xfff), erase(0x300000, 0x1001), erase(0x3ff001, 0x2000)]);
  expect(r.codes).toEqual(['FLASH_ALIGN', 'FLASH_ALIGN', 'FLASH_ALIGN', 'FLASH_BOUNDS']);
  expect(r.ops.erase4k + r.ops.erase64k).toBe(0);
});

test('ranges past the end of the flash are FLASH_BOUNDS for erase, write and read, without wrap-around', () => {
  const r = codes([
    erase(0x400000, 0x1000),
    erase(0x3ff000, 0x2000),
    erase(0x1000, 0xfffff000), // address + length wraps in 32 bits
    write(0x3fffff, 2),
    write(0x400000, 1),
    read(0x3fffff, 2),
    read(0x3fffff, 1), // the last byte: allowed
    erase(-4096, 4096),
    erase('4096.5', 4096),
    erase(2 ** 32, 4096),
  ]);
  expect(r.codes).toEqual(['FLASH_BOUNDS', 'FLASH_BOUNDS', 'FLASH_BOUNDS', 'FLASH_BOUNDS', 'FLASH_BOUNDS', 'FLASH_BOUNDS', 'none', 'FLASH_BOUNDS', 'FLASH_BOUNDS', 'FLASH_BOUNDS']);
  expect(r.ops.ops).toBe(0);
  expect([...readFlash(r.flash, 0x3ff000, 0x1000)].every((b) => b === 0xff)).toBe(true);
});

test('a method called on an object that is not a RawFlash is refused before touching the flash', () => {
  const r = codes([`native("xs_rawflash_erase").call({}, 0x300000, 0x1000)`, `native("xs_rawflash_erase").call(new (Native("xs_resource_destructor"))(), 0x300000, 0x1000)`]);
  expect(r.codes.every((c) => c.startsWith('SyntaxError'))).toBe(true);
  expect(r.ops.ops).toBe(0);
});
