import { makePlan } from '../../src/core/plan';
import { packStaging } from '../../src/core/staging';
import type { JobSpec } from '../../src/core/job';
import type { Partition } from '../../src/core/ports';
import { codeOf, img, inputsFor } from '../support/plan-inputs';
import { MiB, part, standardTable } from '../support/test-platform';

const plan = (job: JobSpec, over: Parameters<typeof inputsFor>[1] = {}) => makePlan(job, inputsFor(job, over));
const planCode = (job: JobSpec, over: Parameters<typeof inputsFor>[1] = {}) => codeOf(() => plan(job, over));
const bootloader = () => img(0x1000, 0x5000);

/** Three OTA slots; the running one is chosen per test. */
function threeSlots(): Partition[] {
  return [
    part('nvs', 0x01, 0x02, 0x9000, 0x6000),
    part('otadata', 0x01, 0x00, 0xf000, 0x2000),
    part('ota_0', 0x00, 0x10, 0x20000, 0x80000),
    part('ota_1', 0x00, 0x11, 0xa0000, 0x80000),
    part('ota_2', 0x00, 0x12, 0x120000, 0x80000),
  ];
}

describe('packing', () => {
  test('images are packed at 4 KiB boundaries', () => {
    expect(packStaging([5000, 100, 4096])).toEqual({ offsets: [0, 8192, 12288], used: 16384 });
  });

  test('several staged images share one staging partition', () => {
    const p = plan({ images: [bootloader(), img(0x8000, 0xc00), img(0xf000, 0x2000)] });
    expect(p.staging).toEqual({ label: 'ota_1', address: 0x120000, size: MiB, used: 0x5000 + 0x1000 + 0x2000, journal: null });
    expect(p.images.map((im) => im.stagingAddress)).toEqual([0x120000, 0x125000, 0x126000]);
  });
});

describe('default choice', () => {
  test('never the running partition, even when it comes first and fits', () => {
    // esp-self-reflasher could pick the running partition as staging.
    const partitions = threeSlots();
    for (const running of ['ota_0', 'ota_1', 'ota_2']) {
      const p = plan({ images: [bootloader()] }, { partitions, running: partitions.find((q) => q.label === running)! });
      expect(p.staging?.label).not.toBe(running);
    }
  });

  test('never a slot that overlaps a destination, free destinations included', () => {
    const partitions = threeSlots();
    const p = plan({ images: [bootloader(), img(0xa0000, 0x1000)] }, { partitions, running: partitions[2] });
    expect(p.staging?.label).toBe('ota_2');
    expect(p.images[1].inUse).toBeNull();
  });

  test('a slot too small is passed over for one that fits', () => {
    const partitions = threeSlots();
    partitions[3] = part('ota_1', 0x00, 0x11, 0xa0000, 0x4000);
    const p = plan({ images: [bootloader()] }, { partitions, running: partitions[2] });
    expect(p.staging?.label).toBe('ota_2');
  });

  test('every usable slot too small is STAGING_TOO_SMALL', () => {
    const small = threeSlots().map((q) => (q.type === 0 ? { ...q, size: 0x6000 } : q));
    const big = img(0x1000, 0x7000, { regionSize: 0x7000 });
    expect(planCode({ images: [big] }, { partitions: small, running: small[2] })).toBe('STAGING_TOO_SMALL');
    expect(planCode({ images: [img(0x1000, 0x6000)] }, { partitions: small, running: small[2] })).toBeUndefined();
  });

  test('no OTA slot left is STAGING_NONE', () => {
    const table = standardTable();
    expect(planCode({ images: [bootloader(), img(0x120000, 0x1000)] }, { partitions: table })).toBe('STAGING_NONE');
    const noSlots = [part('factory', 0x00, 0x00, 0x10000, MiB)];
    expect(planCode({ images: [bootloader()] }, { partitions: noSlots, running: noSlots[0] })).toBe('STAGING_NONE');
  });

  test('a factory or data partition is never chosen by default', () => {
    const table = [part('factory', 0x00, 0x00, 0x10000, MiB), part('storage', 0x01, 0x82, 0x110000, MiB)];
    expect(planCode({ images: [bootloader()] }, { partitions: table, running: table[0] })).toBe('STAGING_NONE');
  });
});

describe('a partition named by label', () => {
  const job = (staging: string, ...more: ReturnType<typeof img>[]): JobSpec => ({ images: [bootloader(), ...more], staging });

  test('is used when it meets the rules, even a data partition', () => {
    expect(plan(job('storage')).staging?.label).toBe('storage');
  });
  test('unknown label is STAGING_NOT_FOUND', () => {
    expect(planCode(job('nope'))).toBe('STAGING_NOT_FOUND');
  });
  test('the running partition is STAGING_RUNNING, not a fallback', () => {
    expect(planCode(job('ota_0'))).toBe('STAGING_RUNNING');
  });
  test('overlapping a free destination is STAGING_OVERLAP, containment included', () => {
    expect(planCode(job('ota_1', img(0x130000, 0x1000)))).toBe('STAGING_OVERLAP');
    expect(planCode(job('ota_1', img(0x100000, 0x1000, { regionSize: 0x300000 })))).toBe('DEST_RUNNING_APP');
    expect(planCode(job('storage', img(0x200000, 0x1000, { regionSize: 0x200000 })))).toBe('STAGING_OVERLAP');
  });
  test('nvs, otadata or phy is STAGING_IN_USE', () => {
    expect(planCode(job('nvs'))).toBe('STAGING_IN_USE');
    expect(planCode(job('otadata'))).toBe('STAGING_IN_USE');
    expect(planCode(job('phy_init'))).toBe('STAGING_IN_USE');
  });
  test('holding an embedded source is STAGING_IN_USE', () => {
    const embedded = img(0x320000, 0x800, { source: { resource: 'payload' } });
    const facts = [{}, { length: 0x800, flashRange: { address: 0x230000, size: 0x800 } }];
    expect(planCode(job('storage', embedded), { facts })).toBe('STAGING_IN_USE');
  });
  test('too small is STAGING_TOO_SMALL', () => {
    const table = [...standardTable(), part('tiny', 0x01, 0x06, 0x320000, 0x4000)];
    expect(planCode(job('tiny'), { partitions: table })).toBe('STAGING_TOO_SMALL');
  });
  test('is checked even when nothing needs staging', () => {
    expect(planCode({ images: [img(0x220000, 0x1000)], staging: 'nope' })).toBe('STAGING_NOT_FOUND');
  });
});
