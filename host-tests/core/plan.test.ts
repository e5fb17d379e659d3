import { makePlan } from '../../src/core/plan';
import type { JobSpec } from '../../src/core/job';
import type { Plan } from '../../src/core/plan-types';
import { codeOf, img, inputsFor } from '../support/plan-inputs';
import { MiB } from '../support/test-platform';

const plan = (job: JobSpec, over: Parameters<typeof inputsFor>[1] = {}): Plan => makePlan(job, inputsFor(job, over));
const planCode = (job: JobSpec, over: Parameters<typeof inputsFor>[1] = {}) => codeOf(() => plan(job, over));

describe('job shape', () => {
  test('no image is JOB_EMPTY', () => {
    expect(planCode({ images: [] })).toBe('JOB_EMPTY');
    expect(codeOf(() => makePlan({} as JobSpec, inputsFor({ images: [] })))).toBe('JOB_EMPTY');
  });

  test.each([
    ['name missing', { name: '' }],
    ['source with neither url nor resource', { source: {} }],
    ['source with both', { source: { url: 'http://x', resource: 'r' } }],
    ['negative destination', { destination: -4096 }],
    ['fractional destination', { destination: 4096.5 }],
    ['zero regionSize', { regionSize: 0 }],
    ['negative size', { size: -1 }],
    ['short sha256', { sha256: 'abcd' }],
    ['non-hex sha256', { sha256: 'z'.repeat(64) }],
  ])('%s is JOB_INVALID', (_, bad) => {
    expect(planCode({ images: [{ ...img(0x120000, 100), ...(bad as object) }] })).toBe('JOB_INVALID');
  });

  test('duplicate names are JOB_INVALID', () => {
    const a = img(0x120000, 100);
    expect(planCode({ images: [a, { ...img(0x220000, 100), name: a.name }] })).toBe('JOB_INVALID');
  });
});

describe('image size', () => {
  test('taken from the source when the job omits it', () => {
    const p = plan({ images: [img(0x120000, 0, { size: undefined })] }, { facts: [{ length: 5000 }] });
    expect(p.images[0].size).toBe(5000);
  });
  test('neither in the job nor from the source is IMAGE_SIZE_UNKNOWN', () => {
    expect(planCode({ images: [img(0x120000, 0, { size: undefined })] })).toBe('IMAGE_SIZE_UNKNOWN');
  });
  test('job and source disagreeing is SIZE_MISMATCH', () => {
    expect(planCode({ images: [img(0x120000, 100)] }, { facts: [{ length: 101 }] })).toBe('SIZE_MISMATCH');
  });
  test('zero bytes is IMAGE_EMPTY, from the job or from the source', () => {
    expect(planCode({ images: [img(0x120000, 0)] })).toBe('IMAGE_EMPTY');
    expect(planCode({ images: [img(0x120000, 0, { size: undefined })] }, { facts: [{ length: 0 }] })).toBe('IMAGE_EMPTY');
  });
});

describe('destinations', () => {
  test.each([0x120001, 0x120800, 0x120ffc])('destination %p, not 4 KiB aligned, is DEST_ALIGN', (d) => {
    expect(planCode({ images: [img(d, 100)] })).toBe('DEST_ALIGN');
  });

  test('past the end of flash is DEST_BOUNDS, overflow-safe', () => {
    expect(planCode({ images: [img(4 * MiB, 100)] })).toBe('DEST_BOUNDS');
    expect(planCode({ images: [img(4 * MiB - 0x1000, 0x1001)] })).toBe('DEST_BOUNDS');
    expect(planCode({ images: [img(0x300000, 100, { regionSize: 0x200000 })] })).toBe('DEST_BOUNDS');
    expect(planCode({ images: [img(0xfffff000, 100)] })).toBe('DEST_BOUNDS');
    expect(plan({ images: [img(4 * MiB - 0x1000, 0x1000)] }).images[0].regionSize).toBe(0x1000);
  });

  test('image larger than its region is DEST_TOO_SMALL', () => {
    expect(planCode({ images: [img(0x120000, 0x1001, { regionSize: 0x1000 })] })).toBe('DEST_TOO_SMALL');
    expect(plan({ images: [img(0x120000, 0x1000, { regionSize: 0x1000 })] }).images[0].size).toBe(0x1000);
  });

  test('a region not a whole number of sectors is rounded up (partition table: 0xC00 -> one sector)', () => {
    const p = plan({ images: [img(0x8000, 0xc00, { regionSize: 0xc00 })] });
    expect(p.images[0].regionSize).toBe(0x1000);
  });

  test('overlapping the running app is DEST_RUNNING_APP: start, end, containment both ways', () => {
    expect(planCode({ images: [img(0x20000, 100)] })).toBe('DEST_RUNNING_APP');
    expect(planCode({ images: [img(0x11f000, 0x2000)] })).toBe('DEST_RUNNING_APP');
    expect(planCode({ images: [img(0x10000, 100, { regionSize: 0x200000 })] })).toBe('DEST_RUNNING_APP');
    expect(planCode({ images: [img(0x80000, 100)] })).toBe('DEST_RUNNING_APP');
  });

  test('touching the running app is fine', () => {
    expect(planCode({ images: [img(0x120000, 100)] })).toBeUndefined();
    expect(planCode({ images: [img(0x12000, 0xe000)] })).toBeUndefined();
  });

  test('destinations sharing a byte are DEST_OVERLAP, containment included; touching ones are not', () => {
    expect(planCode({ images: [img(0x120000, 0x2000), img(0x121000, 0x100)] })).toBe('DEST_OVERLAP');
    expect(planCode({ images: [img(0x121000, 0x100), img(0x120000, 0x100, { regionSize: MiB })] })).toBe('DEST_OVERLAP');
    expect(planCode({ images: [img(0x120000, 0x1000), img(0x121000, 0x1000)] })).toBeUndefined();
  });

  test('an embedded source overlapping its own or another destination is SOURCE_OVERLAP', () => {
    const inApp = { flashRange: { address: 0x230000, size: 0x800 }, length: 0x800 };
    const embedded = img(0x220000, 0x800, { source: { resource: 'payload' }, regionSize: 0x20000 });
    expect(planCode({ images: [embedded] }, { facts: [inApp] })).toBe('SOURCE_OVERLAP');
    const other = img(0x230000, 0x100);
    const e2 = img(0x300000, 0x800, { source: { resource: 'payload' } });
    expect(planCode({ images: [other, e2] }, { facts: [{}, inApp] })).toBe('SOURCE_OVERLAP');
    expect(planCode({ images: [e2] }, { facts: [{ flashRange: { address: 0x40000, size: 0x800 }, length: 0x800 }] })).toBeUndefined();
  });

  test('a wrong sector size or layout is CONFIG_INVALID', () => {
    expect(planCode({ images: [img(0x120000, 100)] }, { flash: { size: 4 * MiB, sectorSize: 512 } })).toBe('CONFIG_INVALID');
    expect(planCode({ images: [img(0x120000, 100)] }, { layout: { chip: 'x', bootloaderOffset: 0x9000, partitionTableOffset: 0x8000 } }))
      .toBe('CONFIG_INVALID');
  });
});

describe('in use or free', () => {
  const reasonAt = (destination: number, size: number, regionSize?: number) =>
    plan({ images: [img(destination, size, regionSize ? { regionSize } : {})] }).images[0].inUse;

  test.each([
    [0x1000, 0x6000, 'bootloader'],
    [0x7000, 0x1000, 'bootloader'],
    [0x8000, 0xc00, 'partition-table'],
    [0x9000, 0x6000, 'nvs'],
    [0xe000, 0x1000, 'nvs'],
    [0xe000, 0x2000, 'otadata'],
    [0xf000, 0x2000, 'otadata'],
    [0x11000, 0x1000, 'phy'],
  ])('destination %p size %p is in use: %s', (d, s, reason) => {
    expect(reasonAt(d, s)).toBe(reason);
  });

  test('an inactive app slot, an unused data partition and flash outside every partition are free', () => {
    expect(reasonAt(0x120000, MiB)).toBeNull();
    expect(reasonAt(0x220000, 0x1000)).toBeNull();
    expect(reasonAt(0x320000, 0x1000)).toBeNull();
    expect(reasonAt(0x12000, 0x1000)).toBeNull();
    expect(reasonAt(0x0, 0x1000)).toBeNull(); // before the esp32 bootloader
  });

  test('the table region is one sector: the next sector is not the table', () => {
    expect(reasonAt(0x8000, 0x1000)).toBe('partition-table');
    expect(reasonAt(0x9000, 0x1000)).toBe('nvs');
    expect(reasonAt(0x8000, 0x2000)).toBe('partition-table');
  });

  test('a region spanning bootloader and table counts as the most critical, the one committed last: partition-table', () => {
    expect(reasonAt(0x1000, 0x8000)).toBe('partition-table');
  });

  test('on esp32c3 the bootloader region starts at 0x0', () => {
    const job = { images: [img(0x0, 0x1000)] };
    const p = plan(job, { layout: { chip: 'esp32c3', bootloaderOffset: 0, partitionTableOffset: 0x8000 } });
    expect(p.images[0].inUse).toBe('bootloader');
  });
});

describe('staging and steps', () => {
  test('free destinations are written directly, in-use ones staged then committed', () => {
    const p = plan({ images: [img(0x1000, 0x5000), img(0x220000, 0x30000)] });
    expect(p.steps).toEqual([
      { kind: 'stage', image: 0 }, { kind: 'direct', image: 1 }, { kind: 'commit', image: 0 },
    ]);
    expect(p.staging).toEqual({ label: 'ota_1', address: 0x120000, size: MiB, used: 0x5000, journal: null });
    expect(p.images[0].stagingAddress).toBe(0x120000);
  });

  test('no staging is chosen when nothing is staged', () => {
    // The only other OTA slot is a destination: fine, nothing needs staging.
    const p = plan({ images: [img(0x120000, 0x30000)] });
    expect(p.staging).toBeNull();
    expect(p.images[0].stagingAddress).toBeNull();
  });
});
