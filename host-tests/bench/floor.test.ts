import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeFloor, eraseCover, floorInputFromPlan } from '../../tools/sim/floor';
import type { FloorImage } from '../../tools/sim/floor';
import { Timing } from '../../bench/model/timing';
import { bytesOf } from '../support/test-platform';

const MiB = 1024 * 1024;
const erased = (n: number) => new Uint8Array(n).fill(0xff);

function flashWith(...parts: Array<[number, Uint8Array]>): Uint8Array {
  const f = erased(4 * MiB);
  for (const [a, b] of parts) f.set(b, a);
  return f;
}

const direct = (destination: number, bytes: Uint8Array): FloorImage => ({ name: `i${destination}`, destination, bytes, stagingAddress: null });

describe('floor', () => {
  test('a new 1 MiB app over an old one: 16 block erases and 4096 pages', () => {
    const f = computeFloor({ before: flashWith([0x10000, bytesOf(MiB, 1)]), images: [direct(0x10000, bytesOf(MiB, 2))], staging: null });
    expect(f).toMatchObject({ erase64k: 16, erase4k: 0, pagePrograms: 4096, sectorsChanged: 256, sectorsUnchanged: 0 });
    expect(f.ms).toBeCloseTo(16 * Timing.erase64kMs + 4096 * Timing.pageProgramMs, 1);
  });

  test('sectors that already hold the image cost nothing; erased sectors need no erase; pages of 0xFF no program', () => {
    const image = bytesOf(0x4000, 3);
    image.fill(0xff, 0x3100); // the last sector: one page of data, then 0xFF
    const before = flashWith([0x100000, image.subarray(0, 0x1000)]);
    const f = computeFloor({ before, images: [direct(0x100000, image)], staging: null });
    // sector 0 unchanged; sectors 1-3 were erased: programmed, not erased; 16 + 16 + 1 pages.
    expect(f).toMatchObject({ erase4k: 0, erase64k: 0, pagePrograms: 33, sectorsChanged: 3, sectorsUnchanged: 1 });
  });

  test('a block erase only where every sector of the block may go, and only when it beats sector erases', () => {
    const old = bytesOf(0x10000, 4);
    const image = old.slice();
    for (const s of [0, 1, 2, 3]) image[s * 0x1000] ^= 0xff;
    // 4 changed sectors, the other 12 unchanged data: 4 sector erases.
    expect(computeFloor({ before: flashWith([0x200000, old]), images: [direct(0x200000, image)], staging: null }))
      .toMatchObject({ erase4k: 4, erase64k: 0 });
    // The same 4 sectors over data, the rest of the image's block erased before and after: one block erase (150 < 4 x 45).
    const tail = image.slice().fill(0xff, 0x4000);
    expect(computeFloor({ before: flashWith([0x200000, old.subarray(0, 0x4000)]), images: [direct(0x200000, tail)], staging: null }))
      .toMatchObject({ erase4k: 0, erase64k: 1 });
    // Erased sectors outside the image's own may not be erased: a firmware touches only its destinations.
    expect(computeFloor({ before: flashWith([0x200000, old.subarray(0, 0x4000)]), images: [direct(0x200000, image.subarray(0, 0x4000))], staging: null }))
      .toMatchObject({ erase4k: 4, erase64k: 0 });
    // 3 sectors: 135 ms by sectors beats 150.
    expect(computeFloor({ before: flashWith([0x200000, old.subarray(0, 0x3000)]), images: [direct(0x200000, image.subarray(0, 0x3000))], staging: null }))
      .toMatchObject({ erase4k: 3, erase64k: 0 });
  });

  test('a staged bootloader: its staging sectors in one block erase, its destination by sectors (the table shares the block)', () => {
    const before = flashWith([0x1000, bytesOf(0x6800, 5)], [0x8000, bytesOf(0xc00, 6)], [0x210000, bytesOf(0xf0000, 7)]);
    const boot = bytesOf(28_000, 8);
    const f = computeFloor({ before, images: [{ name: 'boot', destination: 0x1000, bytes: boot, stagingAddress: 0x210000 }], staging: { address: 0x210000, size: MiB } });
    const pages = 2 * Math.ceil(28_000 / 256);
    expect(f).toMatchObject({ erase64k: 1, erase4k: 7, pagePrograms: pages, sectorsChanged: 7, stagingSectors: 7 });
    expect(f.ms).toBeCloseTo(150 + 7 * 45 + pages * 0.4, 1);
  });

  test('floorInputFromPlan takes staging from the plan and refuses an image without bytes', () => {
    const plan = { staging: { address: 0x210000, size: MiB }, images: [{ name: 'boot', destination: 0x1000, stagingAddress: 0x210000 }] };
    const input = floorInputFromPlan(erased(16), plan, new Map([['boot', bytesOf(16, 9)]]));
    expect(input.images[0]).toMatchObject({ name: 'boot', destination: 0x1000, stagingAddress: 0x210000 });
    expect(input.staging).toEqual({ address: 0x210000, size: MiB });
    expect(() => floorInputFromPlan(erased(16), plan, new Map())).toThrow(/no bytes/);
  });
});

describe('eraseCover: 64 KiB blocks and 4 KiB sectors, as esp_flash_erase_region issues them', () => {
  const range = (from: number, count: number) => new Set(Array.from({ length: count }, (_, i) => from + i));
  const block = (b: number) => range(b * 16, 16);

  test.each([
    // sectors to erase, sectors that may be erased, expected
    ['one sector', range(3, 1), range(3, 1), { erase4k: 1, erase64k: 0, ms: 45 }],
    ['a whole 64 KiB block', range(16, 16), range(16, 16), { erase4k: 0, erase64k: 1, ms: 150 }],
    // An aligned 32 KiB half: 8 sectors, never a 32 KiB erase (the driver issues none).
    ['an aligned 32 KiB half, the other half holding data', range(8, 8), range(8, 8), { erase4k: 8, erase64k: 0, ms: 360 }],
    ['an aligned 32 KiB half, the other half blank', range(8, 8), block(0), { erase4k: 0, erase64k: 1, ms: 150 }],
    // 3 sectors: 135 ms beats a block even when the block may go.
    ['3 sectors, the block blank', range(0, 3), block(0), { erase4k: 3, erase64k: 0, ms: 135 }],
    ['4 sectors, the block blank', range(0, 4), block(0), { erase4k: 0, erase64k: 1, ms: 150 }],
    // 16 sectors from sector 8 span two blocks, 8 in each, their neighbours holding data.
    ['16 sectors from 8', range(8, 16), range(8, 16), { erase4k: 16, erase64k: 0, ms: 720 }],
  ])('%s', (_name, need, may, expected) => {
    expect(eraseCover(need as Set<number>, may as Set<number>)).toEqual(expected);
  });

  test('the floor charges what the simulator charges (host/sim/nor_sim.h)', () => {
    const header = readFileSync(join(__dirname, '../../host/sim/nor_sim.h'), 'utf8');
    const define = (name: string) => Number(new RegExp(`#define ${name} ([0-9.]+)`).exec(header)![1]);
    expect([Timing.erase4kMs, Timing.erase64kMs, Timing.pageProgramMs, Timing.pageBytes])
      .toEqual([define('NOR_MS_ERASE_4K'), define('NOR_MS_ERASE_64K'), define('NOR_MS_PAGE_PROGRAM'), define('NOR_PAGE_SIZE')]);
  });
});
