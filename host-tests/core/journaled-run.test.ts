/**
 * Power cuts at every flash operation of a job whose destinations are in use:
 * booting again runs `runJournaled`, which must finish the job from the
 * journal without fetching the job or downloading an image already staged.
 */
import { runJournaled, findUnfinishedJournal } from '../../src/core/journaled-run';
import { Journal } from '../../src/core/journal/journal';
import type { JobSpec } from '../../src/core/job';
import { bytesOf } from '../support/test-platform';
import { fixture, preload } from '../support/job-fixture';
import type { Fixture } from '../support/job-fixture';
import { asyncCodeOf } from '../support/plan-inputs';

const STORAGE = 0x220000;

function inUseJob(): { f: Fixture; expected: Array<[number, Uint8Array]> } {
  const f = fixture();
  preload(f, 0, 0x12000, 3);
  const boot = f.url('boot', 0x1000, bytesOf(0x5000, 1));
  const table = f.url('table', 0x8000, bytesOf(0xc00, 2), { regionSize: 0xc00 });
  const data = f.url('data', STORAGE, bytesOf(0x3345, 3));
  return { f, expected: [[0x1000, boot], [0x8000, table], [STORAGE, data]] };
}

function expectWritten(f: Fixture, expected: Array<[number, Uint8Array]>): void {
  for (const [address, bytes] of expected) expect(f.flash.snapshot(address, bytes.length)).toEqual(bytes);
}

describe('runJournaled', () => {
  test('a fresh job is planned with its journal right after the staged images, and ends finished', async () => {
    const { f, expected } = inUseJob();
    const { resumedAt } = await runJournaled(f.platform, async () => f.job);
    expect(resumedAt).toBeNull();
    expectWritten(f, expected);
    expect(findUnfinishedJournal(f.platform)).toBeNull();
    const staging = f.partitions.find((p) => p.label === 'ota_1')!;
    const journal = Journal.open(f.flash, f.platform.crypto, staging.address + 0x6000);
    expect(journal?.state.finished).toBe(true);
    expect(journal?.state.resumeAt).toBe(journal?.state.plan.steps.length);
  });

  test('a cut at any flash operation, then a reboot, completes the job without downloading a staged image again', async () => {
    const { f: probe } = inUseJob();
    await runJournaled(probe.platform, async () => probe.job);
    const totalOps = probe.flash.ops.length;
    let resumed = 0;
    for (let k = 0; k < totalOps; k++) {
      const { f, expected } = inUseJob();
      f.flash.failAtOp = k;
      expect(await asyncCodeOf(() => runJournaled(f.platform, async () => f.job))).toBe('FLASH_IO');
      f.flash.failAtOp = undefined;
      const stagedBefore = new Set(f.sources.opened.filter((o) => o.reads > 0).map((o) => o.key));
      const journal = findUnfinishedJournal(f.platform);
      const doneBefore = journal?.state.resumeAt ?? 0;
      f.sources.opened.length = 0;
      let loaded = false;
      const { resumedAt } = await runJournaled(f.platform, async () => { loaded = true; return f.job; });
      expectWritten(f, expected);
      if (journal) {
        resumed++;
        expect(loaded).toBe(false);
        expect(resumedAt).toBe(doneBefore);
        // Images whose stage step was journaled done are read from staging, never fetched again.
        const plan = journal.state.plan;
        for (let s = 0; s < doneBefore; s++) {
          const step = plan.steps[s];
          if (step.kind === 'stage') {
            const url = (plan.images[step.image].source as { url: string }).url;
            expect(stagedBefore.has(url)).toBe(true);
            expect(f.sources.reading(url)).toHaveLength(0);
          }
        }
      } else {
        expect(loaded).toBe(true);
      }
    }
    expect(resumed).toBeGreaterThan(totalOps / 2);
  });

  test('a job whose images carry no SHA-256 runs without a journal, and says why', async () => {
    const { f, expected } = inUseJob();
    const job: JobSpec = { images: f.job.images.map((im) => ({ ...im, sha256: undefined })) };
    await runJournaled(f.platform, async () => job);
    expectWritten(f, expected);
    expect(f.report.logs.some((l) => l.level === 'warn' && /no journal/.test(l.message))).toBe(true);
    const staging = f.partitions.find((p) => p.label === 'ota_1')!;
    expect(Journal.open(f.flash, f.platform.crypto, staging.address + 0x6000)).toBeNull();
  });

  test('two unfinished journals are refused rather than guessed between', async () => {
    const { f: probe } = inUseJob();
    await runJournaled(probe.platform, async () => probe.job);
    const { f } = inUseJob();
    f.flash.failAtOp = Math.floor(probe.flash.ops.length * 0.75);
    await asyncCodeOf(() => runJournaled(f.platform, async () => f.job));
    f.flash.failAtOp = undefined;
    const first = findUnfinishedJournal(f.platform)!;
    Journal.create(f.flash, f.platform.crypto, 0x300000, first.state.plan);
    expect(await asyncCodeOf(() => runJournaled(f.platform, async () => f.job))).toBe('JOURNAL_INCONSISTENT');
  });
});
