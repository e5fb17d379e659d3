import { brickWindow } from '../../tools/cli/lib/brick-window';
import { makeFlash } from '../formats/fixtures';

describe('brickWindow: the time a reset would not boot, from a trace', () => {
  const before = makeFlash({ apps: ['factory'] });
  const after = Uint8Array.from(before);

  test('erasing the bootloader and writing it back: the erases and writes in between count, the reads after do not', () => {
    // ESP32 bootloader at 0x1000, 0x5000 bytes: five sector erases, then one write of the same bytes.
    const trace = [
      { op: 'read', address: 0x20000, size: 4096, ms: 1 },
      ...[0, 1, 2, 3, 4].map((i) => ({ op: 'erase', address: 0x1000 + i * 0x1000, size: 0x1000, ms: 1 + (i + 1) * 45 })),
      { op: 'read', address: 0x20000, size: 4096, ms: 227 },
      { op: 'write', address: 0x1000, size: 0x5000, ms: 227 + 80 * 0.4 },
      { op: 'read', address: 0x1000, size: 0x5000, ms: 300 },
    ];
    const w = brickWindow({ before, after, trace, chip: 'esp32', tableOffset: 0x8000 });
    expect(w.bootsBefore).toBe(true);
    expect(w.exact).toBe(true);
    expect(w.evaluated).toBe(6);
    expect(w.unbootableOps).toBe(5);
    // From the first erase (starting at 1 ms) to the end of the write (259 ms).
    expect(w.ms).toBeCloseTo(259 - 1, 5);
    expect(w.firstMs).toBe(1);
  });

  test('writes outside what the boot path reads are not evaluated and add nothing', () => {
    const trace = [
      { op: 'erase', address: 0x9000, size: 0x1000, ms: 45 },
      { op: 'write', address: 0x9000, size: 0x100, ms: 45.4 },
    ];
    const w = brickWindow({ before, after, trace, chip: 'esp32', tableOffset: 0x8000 });
    expect(w).toMatchObject({ ms: 0, evaluated: 0, unbootableOps: 0 });
  });

  test('bytes written twice make the replay approximate, and it says so', () => {
    const trace = [
      { op: 'write', address: 0x300000, size: 0x100, ms: 0.4 },
      { op: 'erase', address: 0x300000, size: 0x1000, ms: 45.4 },
      { op: 'write', address: 0x300000, size: 0x100, ms: 45.8 },
    ];
    expect(brickWindow({ before, after, trace, chip: 'esp32', tableOffset: 0x8000 }).exact).toBe(false);
  });
});
