/**
 * A run that survives power cuts: before anything else, look for a journal a
 * cut interrupted and finish that job from its plan (no bundle fetched, no
 * image downloaded twice); otherwise plan the new job with room for a journal
 * at the end of its staging partition, write the plan there before the first
 * destructive step, and record each step as it completes.
 *
 * The journal is found by scanning every sector start for its magic, not by
 * partition: a cut after the new partition table was committed leaves the
 * journal where the old table put the staging partition.
 */
import type { JobResult, JobSpec } from './job';
import type { Platform } from './ports';
import type { Plan } from './plan-types';
import { runJob, type EngineOptions } from './engine';
import { executePlan } from './execute';
import { Journal, type JournalState } from './journal/journal';
import { JOURNAL_MAGIC } from './journal/layout';
import { RecordType } from './journal/layout';
import { ReflashError, hex } from './errors';

export type JournaledOptions = Omit<EngineOptions, 'journalBytes' | 'onPlan' | 'onStepDone'>;

export interface JournaledOutcome {
  result: JobResult;
  /** The step a cut-off job resumed at, or null for a fresh job. */
  resumedAt: number | null;
}

/**
 * The unfinished journal in flash, if any.
 * @throws ReflashError JOURNAL_INCONSISTENT when two unfinished journals exist,
 *   JOURNAL_CORRUPT / JOURNAL_INCONSISTENT from the journal itself.
 */
export function findUnfinishedJournal(platform: Platform): { journal: Journal; state: JournalState } | null {
  const { flash, crypto } = platform;
  const magic = new Uint8Array(4);
  const view = new DataView(magic.buffer);
  let found: { journal: Journal; state: JournalState } | null = null;
  for (let address = 0; address + Journal.size <= flash.size; address += flash.sectorSize) {
    flash.read(address, magic);
    if (view.getUint32(0, true) !== JOURNAL_MAGIC) continue;
    const open = Journal.open(flash, crypto, address);
    if (!open || open.state.finished) continue;
    if (found) {
      throw new ReflashError('JOURNAL_INCONSISTENT', `two unfinished journals, at ${hex(found.journal.address)} and ${hex(address)}; erase the one that is not the current job's`, { first: found.journal.address, second: address });
    }
    found = open;
  }
  return found;
}

/** Resume an interrupted job, or run `loadJob()`'s job with a journal. */
export async function runJournaled(platform: Platform, loadJob: () => Promise<JobSpec>, options: JournaledOptions = {}): Promise<JournaledOutcome> {
  const log = (m: string): void => platform.report.log('info', m);
  const found = findUnfinishedJournal(platform);
  if (found) {
    const { journal, state } = found;
    log(`resuming the job journaled at ${hex(journal.address)}: step ${state.resumeAt} of ${state.plan.steps.length}` +
      (state.tornSlots.length ? ` (${state.tornSlots.length} record(s) torn by the cut, ignored)` : ''));
    const result = await executePlan(state.plan, platform, {
      fromStep: state.resumeAt,
      onStepDone: (i) => journal.record(RecordType.stepDone, i),
    });
    journal.record(RecordType.jobDone, 0);
    return { result, resumedAt: state.resumeAt };
  }

  const job = await loadJob();
  // A resumed commit re-checks staged bytes against the plan's hash, so only jobs whose every image has one can resume.
  const unhashed = job.images.filter((im) => !im.sha256).map((im) => im.name);
  if (unhashed.length) platform.report.log('warn', `no journal: images ${unhashed.join(', ')} carry no SHA-256, so a run cut by power would start over`);
  let journal: Journal | null = null;
  const result = await runJob(job, platform, {
    ...options,
    journalBytes: unhashed.length ? 0 : Journal.size,
    onPlan: (plan: Plan) => {
      if (plan.staging?.journal == null) return;
      journal = Journal.create(platform.flash, platform.crypto, plan.staging.journal, plan);
      log(`journal at ${hex(plan.staging.journal)}`);
    },
    onStepDone: (i) => journal?.record(RecordType.stepDone, i),
  });
  (journal as Journal | null)?.record(RecordType.jobDone, 0);
  return { result, resumedAt: null };
}
