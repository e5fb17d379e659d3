/**
 * The order in which in-use destinations are committed: the writes whose
 * interruption leaves the device bootable first, the boot-critical ones last.
 *
 * Rank (lower commits first; equal ranks keep job order):
 *   0  nvs, phy data, free destinations staged by `forceStaging`
 *   1  otadata: it selects which app boots, so only after the apps are in place
 *   2  partition table
 *   3  bootloader: the last switch; until it is written the old chain boots
 */
import type { InUseReason } from './in-use';

const RANK: Record<InUseReason, number> = {
  'running-app': 0, nvs: 0, phy: 0, otadata: 1, 'partition-table': 2, bootloader: 3,
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
