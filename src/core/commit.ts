/**
 * Commit from staging: copy a staged image to its in-use destination, touching
 * only the sectors whose bytes change. Both copies are in flash, so the changed
 * sectors are known before erasing: each run of them is erased with one call
 * (the driver uses 64 KiB blocks where the run's alignment allows) and written.
 */
import { ReflashError, hex } from './errors';
import { BLOCK_SIZE, SECTOR_SIZE, isAligned } from './regions';
import { isErasedWords, nextRun } from './sector-diff';
import { sectorMatchesFlash } from './buffers';
import { expectedHash, progress } from './context';
import type { Context } from './context';
import { checkReadBack, hashFlash } from './verify';
import { writeDataPages } from './program';

/**
 * @throws ReflashError `HASH_MISMATCH` when the staging copy no longer hashes
 *   as it did when staged (nothing of the destination is touched then);
 *   `READBACK_ERASED`, `READBACK_MISMATCH` after the write; `FLASH_*`.
 */
export function commitFromStaging(ctx: Context, index: number): void {
  const image = ctx.plan.images[index];
  const from = image.stagingAddress;
  if (from === null) throw new ReflashError('PLAN_INVALID', `image "${image.name}" is committed from staging but has none`);
  const expected = checkStagingCopy(ctx, index, from);
  const count = Math.ceil(image.size / SECTOR_SIZE);
  // Set when a changed sector of the current run holds data: an all-erased run needs no erase.
  let runHoldsData = false;
  const changed = (i: number): boolean => {
    if (!sectorChanged(ctx, index, from, i)) return false;
    runHoldsData = runHoldsData || !isErasedWords(ctx.buffers.flash32);
    return true;
  };
  for (let run = nextRun(0, count, changed); run; run = nextRun(run.resume, count, changed)) {
    writeRun(ctx, index, from, run.first, run.end, runHoldsData);
    runHoldsData = false;
    progress(ctx, 'commit', image.name, Math.min(run.end * SECTOR_SIZE, image.size), image.size);
  }
  ctx.skipped[index] = count - ctx.written[index];
  progress(ctx, 'commit', image.name, image.size, image.size);
  checkReadBack(ctx, image.name, image.destination, image.size, expected);
}

/** The staging copy must still be what was verified: returns its hash. */
function checkStagingCopy(ctx: Context, index: number, from: number): string {
  const image = ctx.plan.images[index];
  const actual = hashFlash(ctx, from, image.size, 'verify', image.name);
  const expected = expectedHash(ctx, index);
  if (expected !== null && actual !== expected) {
    throw new ReflashError('HASH_MISMATCH',
      `image "${image.name}": the staging copy at ${hex(from)} hashes ${actual}, expected ${expected}; ` +
      `nothing at ${hex(image.destination)} was touched: run the job again to download it anew`,
      { image: image.name, expected, actual });
  }
  return actual;
}

function sectorChanged(ctx: Context, index: number, from: number, i: number): boolean {
  const image = ctx.plan.images[index];
  const offset = i * SECTOR_SIZE;
  const n = Math.min(SECTOR_SIZE, image.size - offset);
  ctx.platform.flash.read(from + offset, ctx.buffers.sector);
  ctx.platform.flash.read(image.destination + offset, ctx.buffers.flash);
  return !sectorMatchesFlash(ctx.buffers, n);
}

/** Erase sectors `[first, end)` of the destination in one call (unless already erased), then copy them from staging. */
function writeRun(ctx: Context, index: number, from: number, first: number, end: number, erase: boolean): void {
  const image = ctx.plan.images[index];
  const address = image.destination + first * SECTOR_SIZE;
  const length = (end - first) * SECTOR_SIZE;
  if (length >= BLOCK_SIZE && !isAligned(address, BLOCK_SIZE)) {
    ctx.platform.report.log('debug',
      `image "${image.name}": run ${hex(address)}+${hex(length)} starts off a 64 KiB boundary: its head is erased by 4 KiB sectors`);
  }
  if (erase) ctx.platform.flash.erase(address, length);
  for (let i = first; i < end; i++) {
    const offset = i * SECTOR_SIZE;
    const n = Math.min(SECTOR_SIZE, image.size - offset);
    ctx.platform.flash.read(from + offset, ctx.buffers.sector);
    if (n < SECTOR_SIZE) ctx.buffers.sector.fill(0xff, n);
    writeDataPages(ctx.platform.flash, image.destination + offset, ctx.buffers.sector, ctx.buffers.sector32);
    ctx.written[index]++;
  }
}
