/**
 * The plan is executed by index, so a run stopped after step k resumes at k+1
 * from the plan alone (as a journal will store it: JSON), without planning again.
 */
import { runJob } from '../../src/core/engine';
import { executePlan } from '../../src/core/execute';
import type { Plan } from '../../src/core/plan-types';
import { bytesOf, sha256Hex } from '../support/test-platform';
import { fixture, preload } from '../support/job-fixture';
import type { Fixture } from '../support/job-fixture';
import { asyncCodeOf } from '../support/plan-inputs';

const STORAGE = 0x220000;

function threeImageJob(sha = true): { f: Fixture; expected: Array<[number, Uint8Array]> } {
  const f = fixture();
  preload(f, 0, 0x12000, 3);
  preload(f, STORAGE, 0x20000, 4);
  const extra = sha ? {} : { sha256: undefined };
  const boot = f.url('boot', 0x1000, bytesOf(0x5000, 1), extra);
  const table = f.url('table', 0x8000, bytesOf(0xc00, 2), { regionSize: 0xc00, ...extra });
  const data = f.url('data', STORAGE, bytesOf(0x3345, 3), extra);
  return { f, expected: [[0x1000, boot], [0x8000, table], [STORAGE, data]] };
}

function expectWritten(f: Fixture, expected: Array<[number, Uint8Array]>): void {
  for (const [address, bytes] of expected) expect(f.flash.snapshot(address, bytes.length)).toEqual(bytes);
}

/** Run the job with the flash failing at operation `k`; return the journalled plan and steps done. */
async function interrupted(f: Fixture, k: number): Promise<{ plan: Plan; done: number[]; code: string | undefined }> {
  let plan: Plan | undefined;
  const done: number[] = [];
  f.flash.failAtOp = k;
  const code = await asyncCodeOf(() => runJob(f.job, f.platform, {
    onPlan: (p) => { plan = JSON.parse(JSON.stringify(p)) as Plan; },
    onStepDone: (i) => { done.push(i); },
  }));
  f.flash.failAtOp = undefined;
  return { plan: plan!, done, code };
}

describe('resume by step index', () => {
  test('a flash failure at any operation, then a resume from the journalled plan, ends with every image in place', async () => {
    const { f: probe } = threeImageJob();
    await runJob(probe.job, probe.platform);
    const totalOps = probe.flash.ops.length;
    expect(totalOps).toBeGreaterThan(10);
    for (let k = 0; k < totalOps; k++) {
      const { f, expected } = threeImageJob();
      const { plan, done, code } = await interrupted(f, k);
      expect(code).toBe('FLASH_IO');
      const fromStep = done.length === 0 ? 0 : done[done.length - 1] + 1;
      await executePlan(plan, f.platform, { fromStep });
      expectWritten(f, expected);
    }
  });

  test('resuming at the first commit from the plan alone, without the job\'s hashes, completes the job', async () => {
    const { f, expected } = threeImageJob(false);
    let plan: Plan | undefined;
    const done: number[] = [];
    const firstCommit = 3; // stage boot, stage table, direct data, then commits
    await expect(runJob(f.job, f.platform, {
      onPlan: (p) => { plan = p; },
      onStepDone: (i) => { done.push(i); if (i === firstCommit - 1) throw new Error('power cut'); },
    })).rejects.toThrow('power cut');
    expect(plan!.steps[firstCommit].kind).toBe('commit');
    await executePlan(plan!, f.platform, { fromStep: firstCommit });
    expectWritten(f, expected);
  });

  test('a staging copy damaged while the device was off stops the resumed commit before the destination', async () => {
    const { f } = threeImageJob(false);
    let plan: Plan | undefined;
    let measured: Array<string | null> = [];
    await expect(runJob(f.job, f.platform, {
      onPlan: (p) => { plan = p; },
      onStepDone: (i, _, m) => { measured = [...m]; if (i === 2) throw new Error('power cut'); },
    })).rejects.toThrow('power cut');
    expect(measured[0]).toBe(sha256Hex(f.flash.snapshot(0x120000, 0x5000)));
    f.flash.bytes[0x120010] ^= 0x01; // bit rot in the staged bootloader
    const before = f.flash.snapshot(0x1000, 0x7000);
    // Step 3 commits the bootloader, step 4 the table (the switch to the new layout, last).
    expect(plan!.steps.slice(3).map((s) => plan!.images[s.image].name)).toEqual(['boot', 'table']);
    expect(await asyncCodeOf(() => executePlan(plan!, f.platform, { fromStep: 3, measured })))
      .toBe('HASH_MISMATCH');
    expect(f.flash.snapshot(0x1000, 0x7000)).toEqual(before);
  });

  test('a malformed plan or step index is PLAN_INVALID, before any flash operation', async () => {
    const { f } = threeImageJob();
    let plan: Plan | undefined;
    await runJob(f.job, f.platform, { onPlan: (p) => { plan = JSON.parse(JSON.stringify(p)) as Plan; } });
    f.flash.resetStats();
    const p = plan!;
    expect(await asyncCodeOf(() => executePlan(p, f.platform, { fromStep: p.steps.length + 1 }))).toBe('PLAN_INVALID');
    expect(await asyncCodeOf(() => executePlan(p, f.platform, { fromStep: -1 }))).toBe('PLAN_INVALID');
    expect(await asyncCodeOf(() => executePlan({ ...p, version: 2 as 1 }, f.platform))).toBe('PLAN_INVALID');
    const badStep = { ...p, steps: [{ kind: 'format' as 'stage', image: 0 }] };
    expect(await asyncCodeOf(() => executePlan(badStep, f.platform))).toBe('PLAN_INVALID');
    const inherited = { ...p, steps: [{ kind: 'toString' as 'stage', image: 0 }] };
    expect(await asyncCodeOf(() => executePlan(inherited, f.platform))).toBe('PLAN_INVALID');
    const badImage = { ...p, steps: [{ kind: 'stage' as const, image: 9 }] };
    expect(await asyncCodeOf(() => executePlan(badImage, f.platform))).toBe('PLAN_INVALID');
    expect(f.flash.ops).toEqual([]);
  });

  test('resuming past the last step does nothing but report done', async () => {
    const { f } = threeImageJob();
    let plan: Plan | undefined;
    await runJob(f.job, f.platform, { onPlan: (p) => { plan = p; } });
    f.flash.resetStats();
    await executePlan(plan!, f.platform, { fromStep: plan!.steps.length });
    expect(f.flash.ops).toEqual([]);
  });
});
