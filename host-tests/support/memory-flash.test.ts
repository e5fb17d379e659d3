import { MemoryFlash } from './memory-flash';

function codeOf(f: () => void): string | undefined {
  try { f(); } catch (e) { return (e as { code?: string }).code; }
  return undefined;
}

describe('MemoryFlash', () => {
  test('starts erased; write clears bits; erase sets 0xFF again', () => {
    const f = new MemoryFlash(0x20000);
    const out = new Uint8Array(4);
    f.read(0x1000, out);
    expect([...out]).toEqual([0xff, 0xff, 0xff, 0xff]);
    f.write(0x1000, Uint8Array.of(1, 2, 3, 4));
    f.read(0x1000, out);
    expect([...out]).toEqual([1, 2, 3, 4]);
    f.erase(0x1000, 0x1000);
    f.read(0x1000, out);
    expect([...out]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  test('a write over bytes that are not erased is FLASH_NOT_ERASED and changes nothing', () => {
    const f = new MemoryFlash(0x10000);
    f.write(0x10, Uint8Array.of(0x0f));
    expect(codeOf(() => f.write(0x0, new Uint8Array(0x20)))).toBe('FLASH_NOT_ERASED');
    expect(f.bytes[0]).toBe(0xff);
    expect(f.bytes[0x10]).toBe(0x0f);
  });

  test('erase must be 4 KiB aligned in address and length', () => {
    const f = new MemoryFlash(0x10000);
    expect(codeOf(() => f.erase(0x800, 0x1000))).toBe('FLASH_ALIGN');
    expect(codeOf(() => f.erase(0x1000, 0x800))).toBe('FLASH_ALIGN');
    expect(f.stats.eraseCalls).toBe(0);
  });

  test('operations outside the flash are FLASH_BOUNDS', () => {
    const f = new MemoryFlash(0x10000);
    expect(codeOf(() => f.read(0xffff, new Uint8Array(2)))).toBe('FLASH_BOUNDS');
    expect(codeOf(() => f.write(0x10000, new Uint8Array(1)))).toBe('FLASH_BOUNDS');
    expect(codeOf(() => f.erase(0xf000, 0x2000))).toBe('FLASH_BOUNDS');
  });

  test('a region erase is counted as the driver splits it: 64 KiB blocks where aligned, else 4 KiB', () => {
    const f = new MemoryFlash(0x40000);
    // 0xF000..0x31000: one 4K sector up to 0x10000, two 64K blocks, one 4K sector.
    f.erase(0xf000, 0x22000);
    expect(f.stats).toMatchObject({ eraseCalls: 1, erase4k: 2, erase64k: 2, erase32k: 0, erasedBytes: 0x22000 });
  });

  test('with use32k, 32 KiB blocks fill where 64 KiB do not fit', () => {
    const f = new MemoryFlash(0x40000, { use32k: true });
    f.erase(0x10000, 0x9000);
    expect(f.stats).toMatchObject({ erase32k: 1, erase4k: 1, erase64k: 0 });
  });

  test('protected ranges and injected failures refuse the operation', () => {
    const f = new MemoryFlash(0x20000, { protect: [{ address: 0x8000, size: 0x1000 }] });
    expect(codeOf(() => f.erase(0x0, 0x10000))).toBe('FLASH_PROTECTED');
    f.failAtOp = 1;
    f.erase(0x10000, 0x1000);
    expect(codeOf(() => f.write(0x10000, new Uint8Array(1)))).toBe('FLASH_IO');
    f.write(0x10000, new Uint8Array(1));
  });
});
