/**
 * Which destination sectors already hold the right bytes, and how the changed
 * ones are grouped so that one erase call covers a whole run (the driver then
 * uses 64 KiB blocks wherever the run's alignment allows).
 */
import { BLOCK_SIZE, SECTOR_SIZE, isAligned } from './regions';

/** True when the first `length` bytes of `a` and `b` are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when the word arrays are equal; both have the same length. */
export function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How many words differ between `a` and `b` (same length): 1024 words per 4 KiB sector. */
export function differingWords(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** True when the first `length` bytes are 0xFF, as NOR flash reads after erase. */
export function isErased(a: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== 0xff) return false;
  return true;
}

/** True when every word is 0xFFFFFFFF: a whole erased sector, checked 4 bytes at a time. */
export function isErasedWords(a: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0xffffffff) return false;
  return true;
}

/**
 * The run of changed sectors that starts at the first changed sector at or
 * after `from`, as sector indices `[first, end)`, or undefined when none of
 * `[from, count)` changed. `resume` is where to look for the next run: past
 * `end`, which is known unchanged, so `changed(i)` is asked once per sector,
 * in order. Sectors 0..7 with 2, 3, 4 and 6 changed: from 0 -> [2, 5), resume
 * 6; from 6 -> [6, 7), resume 8.
 */
export function nextRun(from: number, count: number, changed: (i: number) => boolean): { first: number; end: number; resume: number } | undefined {
  let i = from;
  while (i < count && !changed(i)) i++;
  if (i === count) return undefined;
  const first = i;
  i++;
  while (i < count && changed(i)) i++;
  return { first, end: i, resume: Math.min(i + 1, count) };
}

/**
 * How many bytes to erase at `address` when streaming a source straight into
 * flash, where the next sectors are not known yet. When the run of changed
 * sectors is already under way (or starts the image) at a 64 KiB boundary and
 * the block lies inside the image, bet on the run continuing and erase the
 * block: one 64 KiB erase is ~150 ms against ~16 x 45 ms by sectors. A lost bet
 * costs rewriting the block's unchanged sectors (~16 x 6 ms per sector). Else
 * one sector.
 */
export function streamingEraseLength(address: number, extentEnd: number, runUnderWay: boolean): number {
  if (runUnderWay && isAligned(address, BLOCK_SIZE) && address + BLOCK_SIZE <= extentEnd) return BLOCK_SIZE;
  return SECTOR_SIZE;
}
