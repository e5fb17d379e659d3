/**
 * Choosing erase units the way the floor of a job counts them (tools/sim/floor.ts):
 * ESP-IDF's driver erases 64 KiB blocks where a call's range is block aligned
 * and 4 KiB sectors elsewhere (never 32 KiB), so the engine decides per
 * 64 KiB block between one block erase and one erase per sector that holds
 * data. Sectors are given as bit masks over at most 16 consecutive sectors.
 */
import type { FlashPort } from './ports';
import { SECTOR_SIZE } from './regions';

/** Sectors holding data from which one block erase is cheaper than sector erases (~150 ms < 4 x ~45 ms). */
export const BLOCK_WORTH_SECTORS = 4;

/** Set bits of a 16-bit mask: 0b1011 -> 3. */
export function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/**
 * Erase each run of set bits of `mask` (bit i: the sector at
 * `base + i * 4096`) with one call: 0b0110_0111 -> two calls, 3 then 2 sectors.
 * @returns the bytes erased
 * @throws ReflashError the port's `FLASH_*` codes.
 */
export function eraseSectorRuns(flash: FlashPort, base: number, mask: number): number {
  let erased = 0;
  for (let i = 0; mask >> i;) {
    if (!((mask >> i) & 1)) { i++; continue; }
    const first = i;
    while ((mask >> i) & 1) i++;
    flash.erase(base + first * SECTOR_SIZE, (i - first) * SECTOR_SIZE);
    erased += (i - first) * SECTOR_SIZE;
  }
  return erased;
}
