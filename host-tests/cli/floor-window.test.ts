import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eraseCover, MS } from '../../tools/cli/lib/flash-time';
import { brickWindow } from '../../tools/cli/lib/brick-window';
import { makeFlash } from '../formats/fixtures';

describe('eraseCover: the cheapest erase with the largest units alignment allows', () => {
  const none = () => false;
  const all = () => true;
  const range = (from: number, count: number) => new Set(Array.from({ length: count }, (_, i) => from + i));

  test.each([
    // sectors to erase, may the others of the block be erased, expected counts
    ['one sector', range(3, 1), none, { erase4k: 1, erase32k: 0, erase64k: 0, ms: 45 }],
    ['a whole 64 KiB block', range(16, 16), none, { erase4k: 0, erase32k: 0, erase64k: 1, ms: 150 }],
    ['an aligned 32 KiB half', range(8, 8), none, { erase4k: 0, erase32k: 1, erase64k: 0, ms: 120 }],
    // 3 sectors: 3 x 45 = 135 > 120, but only when the other 5 of the half may go.
    ['3 sectors, neighbours blank', range(0, 3), all, { erase4k: 0, erase32k: 1, erase64k: 0, ms: 120 }],
    ['3 sectors, neighbours hold data', range(0, 3), none, { erase4k: 3, erase32k: 0, erase64k: 0, ms: 135 }],
    // 2 sectors: 90 ms beats any block.
    ['2 sectors, neighbours blank', range(0, 2), all, { erase4k: 2, erase32k: 0, erase64k: 0, ms: 90 }],
    // 4 in each half: 2 x 120 = 240 > 150.
    ['4 + 4 sectors, blank block', new Set([0, 1, 2, 3, 8, 9, 10, 11]), all, { erase4k: 0, erase32k: 0, erase64k: 1, ms: 150 }],
    // Unaligned 16 sectors span two blocks: 8 + 8, each a 32 KiB half.
    ['16 sectors from 8', range(8, 16), none, { erase4k: 0, erase32k: 2, erase64k: 0, ms: 240 }],
  ])('%s', (_name, need, mayErase, expected) => {
    expect(eraseCover(need as Set<number>, mayErase as (s: number) => boolean)).toEqual(expected);
  });

  test('the floor charges what the simulator charges (host/sim/nor_sim.h)', () => {
    const header = readFileSync(join(__dirname, '../../host/sim/nor_sim.h'), 'utf8');
    const define = (name: string) => Number(new RegExp(`#define ${name} ([0-9.]+)`).exec(header)![1]);
    expect(MS).toEqual({ erase4k: define('NOR_MS_ERASE_4K'), erase32k: define('NOR_MS_ERASE_32K'), erase64k: define('NOR_MS_ERASE_64K'), page: define('NOR_MS_PAGE_PROGRAM') });
  });
});

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
