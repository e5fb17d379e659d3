/**
 * `makePlan`: the pure function that turns a job and what the platform told
 * about itself into a Plan, or refuses with a ReflashError. Nothing here
 * touches flash or network; every refusal happens before the first erase.
 */
import { ReflashError, hex } from './errors';
import type { JobSpec } from './job';
import type { FlashLayout, Partition } from './ports';
import { inUseRegions } from './in-use';
import type { InUseReason, InUseRegion } from './in-use';
import { SECTOR_SIZE, overlaps } from './regions';
import type { Range } from './regions';
import { chooseStaging, packStaging } from './staging';
import { commitOrder, mostCritical } from './commit-order';
import { checkJobShape } from './job-checks';
import { checkNoOverlaps, checkNotRunning, destinationRegion, imageSize } from './destination-checks';
import type { SourceFacts } from './destination-checks';
import { PLAN_VERSION } from './plan-types';
import type { Plan, PlanStaging, PlanStep, PlannedImage } from './plan-types';

export interface PlanInputs {
  layout: FlashLayout;
  partitions: readonly Partition[];
  running: Partition;
  flash: { size: number; sectorSize: number };
  /** One per job image, in job order. */
  sources: readonly SourceFacts[];
  /**
   * Bytes to keep free in the staging partition, after the staged images, for the journal
   * (src/core/journal), when anything is staged. Default 0: no journal.
   */
  journalBytes?: number;
}

/**
 * @throws ReflashError every planning code: `JOB_*`, `IMAGE_*`, `SIZE_MISMATCH`,
 *   `DEST_*`, `SOURCE_OVERLAP`, `STAGING_*`.
 */
export function makePlan(job: JobSpec, inputs: PlanInputs): Plan {
  checkJobShape(job);
  checkGeometry(inputs);
  if (inputs.sources.length !== job.images.length) {
    throw new ReflashError('JOB_INVALID', `${inputs.sources.length} source facts for ${job.images.length} images`);
  }
  const used = inUseRegions(inputs.layout, inputs.partitions, inputs.running);
  const images = job.images.map((spec, i) => {
    const facts = inputs.sources[i];
    const size = imageSize(spec, facts);
    const region = destinationRegion(spec, size, inputs.flash.size);
    checkNotRunning(spec.name, region, inputs.running);
    return planImage(job, i, size, region, used);
  });
  const regions = images.map((im) => ({ address: im.destination, size: im.regionSize }));
  checkNoOverlaps(images.map((im) => im.name), regions, inputs.sources);
  const staging = planStaging(job, inputs, images, regions, used);
  return {
    version: PLAN_VERSION,
    flash: { size: inputs.flash.size, sectorSize: inputs.flash.sectorSize },
    staging,
    images,
    steps: planSteps(images),
  };
}

function checkGeometry(inputs: PlanInputs): void {
  if (inputs.flash.sectorSize !== SECTOR_SIZE) {
    throw new ReflashError('CONFIG_INVALID',
      `flash sector size ${inputs.flash.sectorSize}, the engine needs ${SECTOR_SIZE}; this flash chip is not supported`);
  }
  const { bootloaderOffset, partitionTableOffset } = inputs.layout;
  if (bootloaderOffset > partitionTableOffset) {
    throw new ReflashError('CONFIG_INVALID',
      `bootloader offset ${hex(bootloaderOffset)} lies past the partition table at ${hex(partitionTableOffset)}; fix the layout`);
  }
}

function planImage(job: JobSpec, i: number, size: number, region: Range, used: InUseRegion[]): PlannedImage {
  const spec = job.images[i];
  const reasons: InUseReason[] = used.filter((u) => overlaps(region, u)).map((u) => u.reason);
  const inUse = mostCritical(reasons);
  const embedded = 'resource' in spec.source;
  // Staging is for bytes that are not yet safe in this flash: embedded sources already are.
  const staged = job.forceStaging === true || (inUse !== null && !embedded);
  return {
    name: spec.name,
    source: 'url' in spec.source ? { url: spec.source.url } : { resource: spec.source.resource },
    embedded,
    destination: region.address,
    regionSize: region.size,
    size,
    sha256: spec.sha256 === undefined ? null : spec.sha256.toLowerCase(),
    kind: spec.kind ?? null,
    inUse,
    stagingAddress: staged ? 0 : null, // placed by planStaging
  };
}

function planStaging(job: JobSpec, inputs: PlanInputs, images: PlannedImage[], regions: Range[], used: InUseRegion[]): PlanStaging | null {
  const staged = images.filter((im) => im.stagingAddress !== null);
  if (staged.length === 0 && job.staging === undefined) return null;
  const packed = packStaging(staged.map((im) => im.size));
  const reserve = staged.length > 0 ? inputs.journalBytes ?? 0 : 0;
  const sources = inputs.sources.flatMap((f, i) => (f.flashRange ? [{ ...f.flashRange, label: `source of "${images[i].name}"` }] : []));
  const p = chooseStaging({
    partitions: inputs.partitions,
    running: inputs.running,
    destinations: regions,
    inUse: [...used.filter((u) => u.reason !== 'running-app'), ...sources],
    need: packed.used + reserve,
    label: job.staging,
  });
  staged.forEach((im, k) => { im.stagingAddress = p.address + packed.offsets[k]; });
  if (staged.length === 0) return null;
  // The journal right after the staged images: erased with them, in the same 64 KiB block when they are small (staging-erase.ts).
  return { label: p.label, address: p.address, size: p.size, used: packed.used, journal: reserve > 0 ? p.address + packed.used : null };
}

/** Download phase in job order, then the commits in commit order. */
function planSteps(images: PlannedImage[]): PlanStep[] {
  const steps: PlanStep[] = [];
  const commits: number[] = [];
  images.forEach((im, image) => {
    if (im.stagingAddress !== null) {
      steps.push({ kind: 'stage', image });
      commits.push(image);
    } else if (im.inUse !== null) {
      steps.push({ kind: 'check', image });
      commits.push(image);
    } else {
      steps.push({ kind: 'direct', image });
    }
  });
  for (const image of commitOrder(images.map((im) => im.inUse), commits)) steps.push({ kind: 'commit', image });
  return steps;
}

/** The ranges of the steps to come, for logs: "stage app -> 0x00110000". */
export function describeStep(plan: Plan, index: number): string {
  const step = plan.steps[index];
  const im = plan.images[step.image];
  const target = step.kind === 'stage' ? im.stagingAddress ?? 0 : im.destination;
  return `step ${index + 1}/${plan.steps.length}: ${step.kind} "${im.name}" (${im.size} bytes) -> ${hex(target)}`;
}
