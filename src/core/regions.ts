/**
 * Byte ranges of flash and the arithmetic every planning rule is built on.
 * A range is `[address, address + size)`.
 */

export interface Range {
  address: number;
  size: number;
}

/** The smallest erase unit on every ESP32-class chip. */
export const SECTOR_SIZE = 4096;
/** The largest erase unit the flash driver uses when alignment allows. */
export const BLOCK_SIZE = 0x10000;

export function rangeEnd(r: Range): number {
  return r.address + r.size;
}

/**
 * True when the ranges share at least one byte. Containment is overlap;
 * touching ranges (one ends where the other starts) are not; an empty range
 * overlaps nothing. esp-self-reflasher tested only whether an end point of one
 * range lay inside the other, which misses a destination that contains the
 * whole staging partition.
 */
export function overlaps(a: Range, b: Range): boolean {
  if (a.size <= 0 || b.size <= 0) return false;
  return a.address < rangeEnd(b) && b.address < rangeEnd(a);
}

/** True when every byte of `inner` lies in `outer`. */
export function contains(outer: Range, inner: Range): boolean {
  return inner.address >= outer.address && rangeEnd(inner) <= rangeEnd(outer);
}

export function isAligned(n: number, unit: number): boolean {
  return n % unit === 0;
}

/** `alignUp(5000, 4096)` is 8192. */
export function alignUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

/** `alignDown(5000, 4096)` is 4096. */
export function alignDown(n: number, unit: number): number {
  return Math.floor(n / unit) * unit;
}

/** The first range of `others` that overlaps `r`, if any. */
export function firstOverlap<T extends Range>(r: Range, others: readonly T[]): T | undefined {
  for (const o of others) if (overlaps(r, o)) return o;
  return undefined;
}
