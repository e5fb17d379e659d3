/**
 * `runJob`: the whole reflash. Ask the platform about itself and the sources,
 * plan (every refusal happens here, before the first erase), then execute the
 * plan step by step.
 */
import type { ImageSpec, JobResult, JobSpec } from './job';
import type { Platform } from './ports';
import { checkJobShape } from './job-checks';
import type { SourceFacts } from './destination-checks';
import { makePlan } from './plan';
import type { Plan } from './plan-types';
import { executePlan } from './execute';
import type { ExecuteOptions } from './execute';
import { hex } from './errors';
import { eraseStagingArea } from './staging-erase';

export interface EngineOptions {
  /** Stage every image, even those bound for free destinations (esp-self-reflasher's behaviour). */
  forceStaging?: boolean;
  /** Keep this many bytes free after the staged images for a journal (see journaled-run.ts). */
  journalBytes?: number;
  /** Called once with the plan before its first step, e.g. to journal it. */
  onPlan?: (plan: Plan) => void;
  /** Called after each step completes; see `ExecuteOptions.onStepDone`. */
  onStepDone?: ExecuteOptions['onStepDone'];
}

/**
 * @throws ReflashError every planning code before anything is erased; then the
 *   code of the step that failed (sources, verification, flash).
 */
export async function runJob(job: JobSpec, platform: Platform, options: EngineOptions = {}): Promise<JobResult> {
  checkJobShape(job);
  const { report } = platform;
  report.progress({ phase: 'plan', done: 0, total: job.images.length });
  const sources = await probeSources(job, platform);
  const plan = makePlan(options.forceStaging ? { ...job, forceStaging: true } : job, {
    layout: platform.partitions.layout(),
    partitions: platform.partitions.list(),
    running: platform.partitions.running(),
    flash: { size: platform.flash.size, sectorSize: platform.flash.sectorSize },
    sources,
    journalBytes: options.journalBytes,
  });
  logPlan(plan, platform);
  report.progress({ phase: 'plan', done: job.images.length, total: job.images.length });
  // One erase of the whole staging area (images and journal), before the journal is written into it.
  if (plan.staging) eraseStagingArea(platform.flash, plan.staging);
  options.onPlan?.(plan);
  return executePlan(plan, platform, { onStepDone: options.onStepDone, stagingErased: plan.staging !== null });
}

/**
 * Open a source when planning needs what only it knows: its length when the
 * job gives no size, and where an embedded resource lives in flash. A URL with
 * a size in the job is not contacted until its download.
 */
async function probeSources(job: JobSpec, platform: Platform): Promise<SourceFacts[]> {
  const facts: SourceFacts[] = [];
  for (const spec of job.images) facts.push(needsProbe(spec) ? await probe(spec, platform) : { length: undefined, flashRange: undefined });
  return facts;
}

function needsProbe(spec: ImageSpec): boolean {
  return spec.size === undefined || 'resource' in spec.source;
}

async function probe(spec: ImageSpec, platform: Platform): Promise<SourceFacts> {
  const source = await platform.sources.open(spec.source, 0);
  try {
    const range = source.flashRange;
    return { length: source.length, flashRange: range ? { address: range.address, size: range.size } : undefined };
  } finally {
    source.close();
  }
}

/** Say what the plan does, and why where it departs from the fastest path. */
function logPlan(plan: Plan, platform: Platform): void {
  const log = (m: string): void => platform.report.log('info', m);
  if (plan.staging) {
    log(`staging in "${plan.staging.label}" at ${hex(plan.staging.address)}, ${hex(plan.staging.used)} of ${hex(plan.staging.size)} bytes used`);
  }
  for (const im of plan.images) {
    const where = `image "${im.name}" -> ${hex(im.destination)}`;
    if (im.stagingAddress !== null && im.inUse === null) log(`${where}: destination free, staged anyway because forceStaging is set`);
    else if (im.stagingAddress !== null) log(`${where}: in use (${im.inUse}), staged at ${hex(im.stagingAddress)}`);
    else if (im.inUse !== null) log(`${where}: in use (${im.inUse}), not staged: its embedded source is already in flash`);
    else log(`${where}: free, written straight from the source`);
    if (im.destination % 0x10000 !== 0 && im.size > 0x10000) {
      log(`${where}: not 64 KiB aligned, so its first sectors up to the next 64 KiB boundary are erased by 4 KiB sectors`);
    }
  }
}
