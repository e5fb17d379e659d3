/**
 * Properties over random jobs: whatever the job, the planner either refuses
 * with a planning code or returns a plan that keeps every safety rule; and the
 * engine either refuses before touching the flash or leaves each destination
 * holding its image and every other byte (outside the staging area) as it was.
 */
import fc from 'fast-check';
import { makePlan } from '../../src/core/plan';
import { runJob } from '../../src/core/engine';
import { isReflashError } from '../../src/core/errors';
import { overlaps } from '../../src/core/regions';
import type { ImageSpec, JobSpec } from '../../src/core/job';
import type { Plan } from '../../src/core/plan-types';
import { inputsFor } from '../support/plan-inputs';
import { fixture } from '../support/job-fixture';
import { bytesOf, part } from '../support/test-platform';

const PLANNING = new Set([
  'JOB_INVALID', 'IMAGE_EMPTY', 'SIZE_MISMATCH', 'DEST_ALIGN', 'DEST_BOUNDS', 'DEST_OVERLAP', 'DEST_RUNNING_APP',
  'DEST_TOO_SMALL', 'STAGING_NONE', 'STAGING_RUNNING', 'STAGING_OVERLAP', 'STAGING_IN_USE', 'STAGING_TOO_SMALL',
  'STAGING_NOT_FOUND',
]);

const image = (flashSize: number) => fc.record({
  sector: fc.integer({ min: 0, max: flashSize / 4096 }),
  skew: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 4095 })),
  size: fc.oneof(fc.integer({ min: 0, max: 0x3000 }), fc.integer({ min: 1, max: 0x30000 })),
  slack: fc.option(fc.integer({ min: 0, max: 0x20000 }), { nil: undefined }),
});

function toJob(raw: Array<{ sector: number; skew: number; size: number; slack: number | undefined }>, staging?: string): JobSpec {
  return {
    images: raw.map((r, i): ImageSpec => ({
      name: `i${i}`, source: { url: `http://127.0.0.1/i${i}` }, destination: r.sector * 4096 + r.skew, size: r.size,
      regionSize: r.slack === undefined ? undefined : Math.max(1, r.size + r.slack - 0x1000),
    })),
    staging,
  };
}

function checkPlanRules(plan: Plan, running: { address: number; size: number }): void {
  const regions = plan.images.map((im) => ({ address: im.destination, size: im.regionSize }));
  regions.forEach((r, i) => {
    expect(r.address % 4096).toBe(0);
    expect(r.address + r.size).toBeLessThanOrEqual(plan.flash.size);
    expect(plan.images[i].size).toBeGreaterThan(0);
    expect(plan.images[i].size).toBeLessThanOrEqual(r.size);
    expect(overlaps(r, running)).toBe(false);
    regions.slice(i + 1).forEach((o) => expect(overlaps(r, o)).toBe(false));
  });
  if (plan.staging) {
    const s = plan.staging;
    expect(overlaps(s, running)).toBe(false);
    regions.forEach((r) => expect(overlaps(s, r)).toBe(false));
    expect(s.used).toBeLessThanOrEqual(s.size);
  }
  const kinds = plan.steps.map((st) => st.kind);
  const firstCommit = kinds.indexOf('commit');
  if (firstCommit >= 0) expect(kinds.slice(firstCommit).every((k) => k === 'commit')).toBe(true);
  plan.images.forEach((im, i) => {
    if (im.inUse !== null) expect(plan.steps.some((st) => st.kind === 'commit' && st.image === i)).toBe(true);
  });
  const commits = plan.steps.filter((st) => st.kind === 'commit').map((st) => plan.images[st.image].inUse);
  const firstCritical = commits.findIndex((r) => r === 'bootloader' || r === 'partition-table');
  if (firstCritical >= 0) {
    expect(commits.slice(firstCritical).every((r) => r === 'bootloader' || r === 'partition-table')).toBe(true);
  }
}

test('every plan keeps the safety rules; every refusal is a planning code', () => {
  let planned = 0;
  fc.assert(fc.property(
    fc.array(image(4 * 1024 * 1024), { minLength: 1, maxLength: 5 }),
    fc.constantFrom(undefined, 'ota_1', 'storage', 'nvs', 'ota_0'),
    (raw, staging) => {
      const job = toJob(raw, staging);
      const inputs = inputsFor(job);
      let plan: Plan;
      try {
        plan = makePlan(job, inputs);
      } catch (e) {
        expect(isReflashError(e) && PLANNING.has(e.code)).toBe(true);
        return;
      }
      checkPlanRules(plan, inputs.running);
      planned++;
    },
  ), { numRuns: 2000 });
  expect(planned).toBeGreaterThan(50); // the property is not only about refusals
});

/** Byte equality without jest's element-by-element deep compare (too slow for 500 KiB x 150 runs). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** A 512 KiB flash: bootloader 0x1000, table 0x8000, nvs, otadata, two small slots, a data partition. */
function smallTable() {
  return [
    part('nvs', 0x01, 0x02, 0x9000, 0x4000),
    part('otadata', 0x01, 0x00, 0xd000, 0x2000),
    part('ota_0', 0x00, 0x10, 0x10000, 0x20000),
    part('ota_1', 0x00, 0x11, 0x30000, 0x20000),
    part('storage', 0x01, 0x82, 0x50000, 0x20000),
  ];
}

test('the engine refuses before any flash operation, or leaves each image in place and other bytes untouched', async () => {
  let ran = 0;
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({
      sector: fc.constantFrom(0x1, 0x2, 0x8, 0x9, 0xa, 0xd, 0x30, 0x32, 0x40, 0x50, 0x51, 0x60, 0x70, 0x7f),
      size: fc.integer({ min: 1, max: 0x9000 }),
      chunk: fc.integer({ min: 1, max: 5000 }),
      seed: fc.integer({ min: 1, max: 1000 }),
    }), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    async (raw, force) => {
      const f = fixture({ flashSize: 0x80000, partitions: smallTable() });
      f.flash.load(0, bytesOf(0x80000, 4242));
      const before = f.flash.snapshot();
      const images = raw.map((r, i) => ({ at: r.sector * 4096, bytes: f.url(`i${i}`, r.sector * 4096, bytesOf(r.size, r.seed), {}, { chunk: r.chunk }) }));
      let plan: Plan | undefined;
      try {
        await runJob(f.job, f.platform, { forceStaging: force, onPlan: (p) => { plan = p; } });
      } catch (e) {
        expect(isReflashError(e) && PLANNING.has(e.code)).toBe(true);
        expect(f.flash.ops).toEqual([]);
        return;
      }
      for (const im of images) expect(same(f.flash.snapshot(im.at, im.bytes.length), im.bytes)).toBe(true);
      const touched = [...plan!.images.map((im) => ({ address: im.destination, size: im.regionSize }))];
      // Staging holds nothing the device needs: the 64 KiB blocks of its area inside the partition may be erased whole (staging-erase.ts).
      if (plan!.staging) {
        const s = plan!.staging;
        const end = Math.min(s.address + s.size, Math.max(s.address + s.used, Math.ceil((s.address + s.used) / 0x10000) * 0x10000));
        touched.push({ address: s.address, size: end - s.address });
      }
      const after = f.flash.snapshot();
      for (let a = 0; a < after.length; a += 4096) {
        if (touched.some((t) => overlaps(t, { address: a, size: 4096 }))) continue;
        expect(same(after.subarray(a, a + 4096), before.subarray(a, a + 4096))).toBe(true);
      }
      ran++;
    },
  ), { numRuns: 150 });
  expect(ran).toBeGreaterThan(20);
});
