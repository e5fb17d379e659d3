/**
 * Choosing the staging partition and packing staged images into it.
 *
 * Rules, for the default choice and for a partition the user names alike:
 * never the running partition, never overlapping a destination (free ones
 * included) or anything else in use, and big enough for every staged image
 * packed at 4 KiB boundaries. A named partition that breaks a rule is an
 * error, never a silent fallback to another one.
 */
import { ReflashError, hex } from './errors';
import type { ErrorCode } from './errors';
import type { Partition } from './ports';
import { isOtaSlot } from './in-use';
import { SECTOR_SIZE, alignUp, firstOverlap, overlaps } from './regions';
import type { Range } from './regions';

export interface StagingRequest {
  partitions: readonly Partition[];
  running: Partition;
  /** Every destination region of the job, free ones included. */
  destinations: readonly Range[];
  /** What the device needs to boot or run the job, and embedded sources. */
  inUse: ReadonlyArray<Range & { label: string }>;
  /** Bytes the packed images need (see `packStaging`). */
  need: number;
  /** A label the user named, or undefined for the default choice. */
  label: string | undefined;
}

/**
 * Offsets of each image inside the staging partition, each at a 4 KiB
 * boundary, and the total used: sizes 5000 and 100 -> offsets 0 and 8192,
 * used 12288.
 */
export function packStaging(sizes: readonly number[]): { offsets: number[]; used: number } {
  const offsets: number[] = [];
  let used = 0;
  for (const size of sizes) {
    offsets.push(used);
    used += alignUp(size, SECTOR_SIZE);
  }
  return { offsets, used };
}

/**
 * @throws ReflashError `STAGING_NOT_FOUND`, `STAGING_RUNNING`, `STAGING_OVERLAP`,
 *   `STAGING_IN_USE`, `STAGING_TOO_SMALL` for a named partition;
 *   `STAGING_TOO_SMALL` or `STAGING_NONE` when no OTA slot qualifies.
 */
export function chooseStaging(req: StagingRequest): Partition {
  if (req.label !== undefined) return namedStaging(req, req.label);
  return defaultStaging(req);
}

function namedStaging(req: StagingRequest, label: string): Partition {
  const p = req.partitions.find((q) => q.label === label);
  if (!p) {
    const labels = req.partitions.map((q) => q.label).join(', ');
    throw new ReflashError('STAGING_NOT_FOUND',
      `staging partition "${label}" is not in the partition table (labels: ${labels}); name one of them or omit staging`,
      { label });
  }
  const refusal = stagingRefusal(p, req);
  if (refusal) throw new ReflashError(refusal.code, refusal.message, { label, address: p.address, size: p.size, need: req.need });
  return p;
}

function defaultStaging(req: StagingRequest): Partition {
  const refusals: Array<{ p: Partition; code: ErrorCode; message: string }> = [];
  for (const p of req.partitions) {
    if (!isOtaSlot(p)) continue;
    const refusal = stagingRefusal(p, req);
    if (!refusal) return p;
    refusals.push({ p, ...refusal });
  }
  const tooSmall = refusals.filter((r) => r.code === 'STAGING_TOO_SMALL');
  if (tooSmall.length > 0) {
    const biggest = tooSmall.reduce((a, b) => (b.p.size > a.p.size ? b : a)).p;
    throw new ReflashError('STAGING_TOO_SMALL',
      `the staged images need ${hex(req.need)} bytes; the largest usable OTA slot "${biggest.label}" has ${hex(biggest.size)}; ` +
      'stage fewer images per job or use a larger partition table', { need: req.need, largest: biggest.size });
  }
  const why = refusals.map((r) => r.message).join('; ') || 'the table has no OTA app slot';
  throw new ReflashError('STAGING_NONE', `no partition can serve as staging: ${why}; name a staging partition by label`,
    { need: req.need });
}

/** The first rule `p` breaks as staging, or undefined when it qualifies. */
function stagingRefusal(p: Partition, req: StagingRequest): { code: ErrorCode; message: string } | undefined {
  const where = `"${p.label}" at ${hex(p.address)}+${hex(p.size)}`;
  if (overlaps(p, req.running)) {
    return { code: 'STAGING_RUNNING', message: `${where} is the running app` };
  }
  const dest = firstOverlap(p, req.destinations);
  if (dest) {
    return { code: 'STAGING_OVERLAP', message: `${where} overlaps the destination ${hex(dest.address)}+${hex(dest.size)}` };
  }
  const used = firstOverlap(p, req.inUse);
  if (used) {
    return { code: 'STAGING_IN_USE', message: `${where} overlaps ${used.label} at ${hex(used.address)}+${hex(used.size)}` };
  }
  if (p.size < req.need) {
    return { code: 'STAGING_TOO_SMALL', message: `${where} is smaller than the ${hex(req.need)} bytes the staged images need` };
  }
  return undefined;
}
