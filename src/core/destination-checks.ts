/**
 * The per-image planning rules: size known and non-zero, destination aligned,
 * inside the flash, big enough, clear of the running app and of the image's
 * own embedded source; then destinations clear of one another. Every rule
 * throws before anything is erased.
 */
import { ReflashError, hex } from './errors';
import type { ImageSpec } from './job';
import type { Partition } from './ports';
import { SECTOR_SIZE, alignUp, isAligned, overlaps } from './regions';
import type { Range } from './regions';

/** What opening an image's source told before planning. */
export interface SourceFacts {
  /** Length the source announces (Content-Length, resource size). */
  length: number | undefined;
  /** Where an embedded source lives in this device's flash. */
  flashRange: Range | undefined;
}

/**
 * The image's byte count: the job's `size`, else the source's length.
 * @throws ReflashError `IMAGE_SIZE_UNKNOWN`, `SIZE_MISMATCH` (job and source disagree), `IMAGE_EMPTY`.
 */
export function imageSize(spec: ImageSpec, facts: SourceFacts): number {
  const size = spec.size ?? facts.length;
  if (size === undefined) {
    throw new ReflashError('IMAGE_SIZE_UNKNOWN',
      `image "${spec.name}": no size in the job and the source announces none; add "size" to the job`, { image: spec.name });
  }
  if (spec.size !== undefined && facts.length !== undefined && spec.size !== facts.length) {
    throw new ReflashError('SIZE_MISMATCH',
      `image "${spec.name}": the job says ${spec.size} bytes, the source announces ${facts.length}; fix the job or the source`,
      { image: spec.name, expected: spec.size, actual: facts.length });
  }
  if (size === 0) {
    throw new ReflashError('IMAGE_EMPTY', `image "${spec.name}" has 0 bytes; remove it from the job or fix its source`,
      { image: spec.name });
  }
  return size;
}

/**
 * The destination region `[destination, destination + regionSize)` rounded up
 * to whole sectors, since erase works by sector.
 * @throws ReflashError `DEST_ALIGN`, `DEST_BOUNDS`, `DEST_TOO_SMALL`.
 */
export function destinationRegion(spec: ImageSpec, size: number, flashSize: number): Range {
  const address = spec.destination;
  const reserved = spec.regionSize ?? alignUp(size, SECTOR_SIZE);
  const values = { image: spec.name, destination: address, size, regionSize: reserved, flashSize };
  if (!isAligned(address, SECTOR_SIZE)) {
    throw new ReflashError('DEST_ALIGN',
      `image "${spec.name}": destination ${hex(address)} is not a multiple of 4 KiB; use ${hex(address - (address % SECTOR_SIZE))} ` +
      `or ${hex(alignUp(address, SECTOR_SIZE))}`, values);
  }
  const regionSize = alignUp(reserved, SECTOR_SIZE);
  if (address > flashSize || regionSize > flashSize - address) {
    throw new ReflashError('DEST_BOUNDS',
      `image "${spec.name}": ${hex(address)}+${hex(regionSize)} ends past the ${hex(flashSize)}-byte flash; fix the destination`, values);
  }
  if (size > reserved) {
    throw new ReflashError('DEST_TOO_SMALL',
      `image "${spec.name}" has ${size} bytes, its region at ${hex(address)} only ${reserved}; ` +
      'use a larger region or a smaller image', values);
  }
  return { address, size: regionSize };
}

/** @throws ReflashError `DEST_RUNNING_APP` */
export function checkNotRunning(name: string, region: Range, running: Partition): void {
  if (!overlaps(region, running)) return;
  throw new ReflashError('DEST_RUNNING_APP',
    `image "${name}": ${hex(region.address)}+${hex(region.size)} overlaps the running app "${running.label}" at ` +
    `${hex(running.address)}+${hex(running.size)}; the reflasher cannot overwrite itself: run it from another slot`,
    { image: name, destination: region.address, running: running.address });
}

/**
 * No destination may overlap another, nor any embedded source (its own, or
 * another image's that has not been read yet).
 * @throws ReflashError `DEST_OVERLAP`, `SOURCE_OVERLAP`.
 */
export function checkNoOverlaps(names: readonly string[], regions: readonly Range[], facts: readonly SourceFacts[]): void {
  for (let i = 0; i < regions.length; i++) {
    for (let j = i + 1; j < regions.length; j++) {
      if (!overlaps(regions[i], regions[j])) continue;
      throw new ReflashError('DEST_OVERLAP',
        `images "${names[i]}" (${hex(regions[i].address)}+${hex(regions[i].size)}) and "${names[j]}" ` +
        `(${hex(regions[j].address)}+${hex(regions[j].size)}) share bytes; fix their destinations or region sizes`,
        { first: names[i], second: names[j] });
    }
    for (let j = 0; j < facts.length; j++) {
      const src = facts[j].flashRange;
      if (!src || !overlaps(regions[i], src)) continue;
      throw new ReflashError('SOURCE_OVERLAP',
        `image "${names[i]}": destination ${hex(regions[i].address)}+${hex(regions[i].size)} overlaps the embedded source of ` +
        `"${names[j]}" at ${hex(src.address)}+${hex(src.size)}; move the destination or build the resource elsewhere`,
        { image: names[i], source: names[j] });
    }
  }
}
