/**
 * `executePlan`: run a Plan's steps in order from a given index. Each step is
 * complete on its own (it reopens its source, re-verifies what it relies on),
 * so a run resumed at step k after a power cut does exactly what the first
 * run would have done from step k.
 */
import { ReflashError, hex } from './errors';
import type { ByteSource, Platform } from './ports';
import type { JobResult } from './job';
import { makeBuffers } from './buffers';
import type { Context } from './context';
import { expectedHash } from './context';
import { PLAN_VERSION } from './plan-types';
import type { Plan, PlanStep } from './plan-types';
import { describeStep } from './plan';
import { hashSource, streamToStaging } from './transfer';
import { streamToDestination } from './direct-write';
import type { StreamResult } from './transfer';
import { commitFromStaging } from './commit';
import { checkReadBack, checkStreamedHash } from './verify';

export interface ExecuteOptions {
  /** Index of the first step to run; earlier steps are taken as done. Default 0. */
  fromStep?: number;
  /** SHA-256 (hex) measured per image by earlier runs, for images the job gave no hash. */
  measured?: Array<string | null>;
  /**
   * Called after each step completes, e.g. to journal its index. `measured`
   * holds the SHA-256 of each image streamed so far: journal it too, or a
   * resumed commit of an image the job gave no hash for cannot tell a damaged
   * staging copy from a good one.
   */
  onStepDone?: (index: number, plan: Plan, measured: ReadonlyArray<string | null>) => void;
  /**
   * The caller erased the plan's whole staging area just now (runJob does,
   * see staging-erase.ts), so stage steps skip reading it to see whether it
   * is erased. A resumed run leaves it unset: its stage steps check.
   */
  stagingErased?: boolean;
}

type StepRunner = (ctx: Context, image: number) => Promise<void>;

/** Step kind -> what it does (match by `kind`, exhaustive). */
const RUNNERS: Record<PlanStep['kind'], StepRunner> = {
  stage: runStage,
  direct: runDirect,
  check: runCheck,
  commit: runCommit,
};

/**
 * @throws ReflashError `PLAN_INVALID` for a malformed plan or step index;
 *   any transfer, verification or flash code from the failing step.
 *   The steps before it stay done; nothing after it was started.
 */
export async function executePlan(plan: Plan, platform: Platform, options: ExecuteOptions = {}): Promise<JobResult> {
  const fromStep = options.fromStep ?? 0;
  checkPlan(plan, fromStep);
  const started = platform.clock.now();
  const ctx = makeContext(plan, platform, options.measured, (options.stagingErased ?? false) && fromStep === 0);
  for (let i = fromStep; i < plan.steps.length; i++) {
    // Each step starts from a fresh promise job: its stack is then its own, not
    // the caller's chain of async calls on top (a resumed job reaches here
    // without any await, and overran the chip's 512-slot XS stack).
    await stepBoundary();
    platform.report.log('info', describeStep(plan, i));
    const step = plan.steps[i];
    await RUNNERS[step.kind](ctx, step.image);
    options.onStepDone?.(i, plan, ctx.measured);
  }
  platform.report.progress({ phase: 'done', done: plan.images.length, total: plan.images.length });
  return result(ctx, platform.clock.now() - started);
}

/** Resolves in a later promise job, whatever the caller's depth. */
function stepBoundary(): Promise<void> {
  return Promise.resolve();
}

function makeContext(plan: Plan, platform: Platform, measured: Array<string | null> | undefined, stagingErased: boolean): Context {
  const n = plan.images.length;
  return {
    plan,
    platform,
    buffers: makeBuffers(),
    measured: plan.images.map((_, i) => measured?.[i] ?? null),
    stagingErased,
    skipped: new Array<number>(n).fill(0),
    written: new Array<number>(n).fill(0),
  };
}

function checkPlan(plan: Plan, fromStep: number): void {
  if (!plan || plan.version !== PLAN_VERSION || !Array.isArray(plan.steps) || !Array.isArray(plan.images)) {
    throw new ReflashError('PLAN_INVALID', `plan version ${String(plan?.version)}, this engine runs version ${PLAN_VERSION}; plan the job again`);
  }
  if (!Number.isInteger(fromStep) || fromStep < 0 || fromStep > plan.steps.length) {
    throw new ReflashError('PLAN_INVALID', `resume at step ${fromStep}: the plan has ${plan.steps.length} steps`, { fromStep });
  }
  for (const step of plan.steps) {
    if (!Object.prototype.hasOwnProperty.call(RUNNERS, step.kind) || !plan.images[step.image]) {
      throw new ReflashError('PLAN_INVALID', `plan step ${JSON.stringify(step)} names no known action or image`);
    }
  }
}

/** Open the image's source from its start, run `body`, always close. */
async function withSource(ctx: Context, image: number, body: (source: ByteSource) => Promise<StreamResult>): Promise<StreamResult> {
  const source = await ctx.platform.sources.open(ctx.plan.images[image].source, 0);
  try {
    return await body(source);
  } finally {
    source.close();
  }
}

async function runStage(ctx: Context, image: number): Promise<void> {
  const im = ctx.plan.images[image];
  const got = await withSource(ctx, image, (s) => streamToStaging(ctx, s, im));
  checkStreamedHash(im.name, got.sha256, im.sha256, 'the downloaded bytes');
  ctx.measured[image] = got.sha256;
  checkReadBack(ctx, im.name, im.stagingAddress ?? 0, im.size, got.sha256);
}

async function runDirect(ctx: Context, image: number): Promise<void> {
  const im = ctx.plan.images[image];
  const got = await withSource(ctx, image, (s) => streamToDestination(ctx, s, image, 'download'));
  // Every sector was compared with the streamed bytes as it went (streamToDestination): their hash is the image's.
  checkStreamedHash(im.name, got.sha256, im.sha256, `the bytes written to ${hex(im.destination)}`);
  ctx.measured[image] = got.sha256;
}

/** An embedded source bound for an in-use destination: hash it in place before any commit. */
async function runCheck(ctx: Context, image: number): Promise<void> {
  const im = ctx.plan.images[image];
  const got = await withSource(ctx, image, (s) => hashSource(ctx, s, image));
  checkStreamedHash(im.name, got.sha256, im.sha256, 'the embedded bytes');
  ctx.measured[image] = got.sha256;
}

async function runCommit(ctx: Context, image: number): Promise<void> {
  const im = ctx.plan.images[image];
  if (im.stagingAddress !== null) {
    commitFromStaging(ctx, image);
    return;
  }
  // Embedded: already in flash, so no staging copy; checked by its `check` step.
  const got = await withSource(ctx, image, (s) => streamToDestination(ctx, s, image, 'commit'));
  const expected = expectedHash(ctx, image) ?? got.sha256;
  // Read back sector by sector as it was written (streamToDestination).
  checkStreamedHash(im.name, got.sha256, expected, 'the embedded bytes committed');
}

function result(ctx: Context, elapsedMs: number): JobResult {
  const { plan } = ctx;
  return {
    images: plan.images.map((im, i) => ({
      name: im.name,
      destination: im.destination,
      size: im.size,
      sha256: ctx.measured[i] ?? im.sha256 ?? '',
      staged: im.stagingAddress !== null,
      sectorsSkipped: ctx.skipped[i],
      sectorsWritten: ctx.written[i],
    })),
    staging: plan.staging?.label,
    elapsedMs,
  };
}
