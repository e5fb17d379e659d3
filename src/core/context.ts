/**
 * What every step of the executor shares: the platform, the job's buffers,
 * and the hashes measured so far (a resumed run may not have them).
 */
import type { Platform, Phase } from './ports';
import type { Buffers } from './buffers';
import type { Plan } from './plan-types';

/** Emit progress at most every this many bytes, and at the end of each pass. */
export const PROGRESS_STEP = 0x10000;

export interface Context {
  plan: Plan;
  platform: Platform;
  buffers: Buffers;
  /** Per image: the SHA-256 measured while it was streamed, hex, or null. */
  measured: Array<string | null>;
  /** This run erased the whole staging area before its first step (runJob): no stage step needs to check or erase it. */
  stagingErased: boolean;
  /** Per image: destination sectors left alone / erased and written. */
  skipped: number[];
  written: number[];
}

export function progress(ctx: Context, phase: Phase, image: string, done: number, total: number): void {
  if (done !== total && done % PROGRESS_STEP !== 0) return;
  ctx.platform.report.progress({ phase, image, done, total });
}

/** The hash a step must reach: the job's, else the one measured earlier, else null. */
export function expectedHash(ctx: Context, image: number): string | null {
  return ctx.plan.images[image].sha256 ?? ctx.measured[image] ?? null;
}
