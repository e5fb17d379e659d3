import { eraseUnits, pagesTouched, totals, Timing } from '../../bench/model/timing';
import { downloadModeOps, embeddedModeOps } from '../../bench/model/esp-self-reflasher';

describe('flash timing model', () => {
  test('erase regions split as esp_flash_erase_region does: 64 KiB where aligned, else 4 KiB, never 32 KiB', () => {
    expect(eraseUnits(0x11000, 0x20000)).toEqual([...Array(15).fill(0x1000), 0x10000, 0x1000]);
    expect(eraseUnits(0x10000, 0x8000)).toEqual(Array(8).fill(0x1000));
    expect(eraseUnits(0x100000, 0x100000)).toEqual(Array(16).fill(0x10000));
  });

  test('writes cost one program per 256-byte page touched', () => {
    expect(pagesTouched(0x1000, 0x400)).toBe(4);
    expect(pagesTouched(0x1080, 0x100)).toBe(2);
    expect(pagesTouched(0x1000, 0)).toBe(0);
    expect(totals([{ op: 'write', address: 0x1080, length: 0x100 }]).modeledMs).toBeCloseTo(2 * Timing.pageProgramMs);
  });
});

describe('esp-self-reflasher operation model', () => {
  test('embedded mode of 1.06 MB lands near the 12.3 s measured on a real ESP32', () => {
    const t = totals(embeddedModeOps(0x10000, 1_060_000, 0x200000));
    // 259 sector erases (the first twice) and 4141 pages: the model may not be off by more than 15%.
    expect(t.erase4k).toBe(Math.ceil(1_060_000 / 4096) + 1);
    expect(t.erase64k).toBe(0);
    expect(t.modeledMs / 12_300).toBeGreaterThan(0.85);
    expect(t.modeledMs / 12_300).toBeLessThan(1.15);
  });

  test('download mode erases the whole staging partition for a 27 KiB bootloader', () => {
    const ops = [...downloadModeOps([{ size: 27 * 1024, regionAddress: 0x1000, regionSize: 0x7000 }], { address: 0x110000, size: 0x100000 })];
    const t = totals(ops);
    expect(t.erase64k).toBe(16); // the 1 MiB staging partition, whole
    expect(t.erase4k).toBe(7); // the bootloader region, whole
    expect(ops.filter((o) => o.op === 'write').every((o) => o.length <= 0x400)).toBe(true);
  });

  test('a chained image re-erases staging when the space left is smaller than its region', () => {
    const staging = { address: 0x110000, size: 0x100000 };
    const ops = [...downloadModeOps([
      { size: 0x6000, regionAddress: 0x1000, regionSize: 0x7000 },
      { size: 0xc00, regionAddress: 0x8000, regionSize: 0x1000 },
      { size: 0x100000, regionAddress: 0x210000, regionSize: 0x100000 },
    ], staging)];
    const stagingErases = ops.filter((o) => o.op === 'erase' && o.address === staging.address);
    expect(stagingErases).toHaveLength(2);
  });
});
