/**
 * The order in which in-use destinations are committed: the writes whose
 * interruption leaves the device bootable first, the boot-critical ones last.
 *
 * Rank (lower commits first; equal ranks keep job order):
 *   0  nvs, phy data, free destinations staged by `forceStaging`
 *   1  bootloader: an ESP-IDF bootloader reads the table and otadata it
 *      finds, so with the old ones still in place it boots this transitional
 *      firmware again and a cut job resumes; only its own rewrite is a brick
 *      window
 *   2  otadata: it selects which app boots, so only after the apps are in place
 *   3  partition table: the switch to the new layout, last. Committed before
 *      the bootloader (the old order), a cut between the two left the new app
 *      booting under the old bootloader, and the job could never finish
 *      (found by `reflasher simulate --power-cut-sweep`: 16 such cuts in the demo)
 */
import type { InUseReason } from './in-use';

const RANK: Record<InUseReason, number> = {
  'running-app': 0, nvs: 0, phy: 0, bootloader: 1, otadata: 2, 'partition-table': 3,
};

export function commitRank(reason: InUseReason | null): number {
  return reason === null ? 0 : RANK[reason];
}

/** The reason of highest rank among those a destination overlaps. */
export function mostCritical(reasons: readonly InUseReason[]): InUseReason | null {
  let best: InUseReason | null = null;
  for (const r of reasons) if (best === null || RANK[r] > RANK[best]) best = r;
  return best;
}

export function isBootCritical(reason: InUseReason | null): boolean {
  return reason === 'partition-table' || reason === 'bootloader';
}

/** Indices of `items` sorted by rank, stable. */
export function commitOrder(reasons: ReadonlyArray<InUseReason | null>, indices: readonly number[]): number[] {
  return indices
    .map((index, position) => ({ index, position, rank: commitRank(reasons[index] ?? null) }))
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .map((e) => e.index);
}
