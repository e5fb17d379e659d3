/**
 * The Plan: everything the executor needs, decided once before the first
 * erase. It is plain data (numbers, strings, arrays, null) so that a journal
 * can write it to flash and a resumed run can read it back and continue at a
 * step index without recomputing anything.
 */
import type { ImageSource } from './ports';
import type { ImageKind } from './job';
import type { InUseReason } from './in-use';

export const PLAN_VERSION = 1;

export interface PlannedImage {
  name: string;
  source: ImageSource;
  /** The source is an embedded resource already in this device's flash. */
  embedded: boolean;
  destination: number;
  /** Bytes reserved at `destination`, rounded up to whole sectors. */
  regionSize: number;
  /** Exact byte count the source must deliver. */
  size: number;
  /** Lower-case hex SHA-256, or null when the job gave none. */
  sha256: string | null;
  /** What the image is: its bytes are validated as such while they stream, before any commit. Null: not checked. */
  kind: ImageKind | null;
  /** Why the destination is in use, or null when it is free. */
  inUse: InUseReason | null;
  /** Address in the staging partition, or null when not staged. */
  stagingAddress: number | null;
}

/**
 * - `stage`: source -> staging, then verify size, SHA-256 and read-back.
 * - `direct`: source -> a free destination, skipping identical sectors, then verify.
 * - `check`: hash an embedded source in place (it is committed without staging).
 * - `commit`: staging (or the embedded source) -> an in-use destination.
 * Every `stage` and `check` step comes before the first `commit`.
 */
export type StepKind = 'stage' | 'direct' | 'check' | 'commit';

export interface PlanStep {
  kind: StepKind;
  /** Index into `Plan.images`. */
  image: number;
}

export interface PlanStaging {
  label: string;
  address: number;
  size: number;
  /** Bytes of the partition the packed images occupy (whole sectors). */
  used: number;
  /** Address of the journal, right after the staged images (`address + used`), or null when the run keeps none. */
  journal: number | null;
}

export interface Plan {
  version: typeof PLAN_VERSION;
  flash: { size: number; sectorSize: number };
  staging: PlanStaging | null;
  images: PlannedImage[];
  steps: PlanStep[];
}
