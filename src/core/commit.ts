/**
 * Commit from staging: copy a staged image to its in-use destination, touching
 * only the sectors whose bytes change. Both copies are in flash, so the changed
 * sectors are known before erasing, a 64 KiB block at a time: a block whose
 * every sector changes or reads erased, with 4 or more to erase, is erased
 * whole; otherwise each changed sector that holds data is erased on its own
 * (runs in one call) and a changed sector that reads erased is not erased.
 */
import { ReflashError, hex } from './errors';
import { BLOCK_SIZE, SECTOR_SIZE } from './regions';
import { isErasedWords } from './sector-diff';
import { sectorMatchesFlash } from './buffers';
import { expectedHash, progress } from './context';
import type { Context } from './context';
import { checkReadBack, hashFlash } from './verify';
import { writeDataPages } from './program';
import { BLOCK_WORTH_SECTORS, bitCount, eraseSectorRuns } from './erase-units';

const SECTORS_PER_BLOCK = BLOCK_SIZE / SECTOR_SIZE;
const WHOLE_BLOCK = (1 << SECTORS_PER_BLOCK) - 1;

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
  for (let first = 0; first < count;) {
    // The image's sectors in this 64 KiB block of the destination: [first, end).
    const address = image.destination + first * SECTOR_SIZE;
    const end = Math.min(count, first + (BLOCK_SIZE - (address % BLOCK_SIZE)) / SECTOR_SIZE);
    commitBlock(ctx, index, from, first, end);
    progress(ctx, 'commit', image.name, Math.min(end * SECTOR_SIZE, image.size), image.size);
    first = end;
  }
  ctx.skipped[index] = count - ctx.written[index];
  progress(ctx, 'commit', image.name, image.size, image.size);
  checkReadBack(ctx, image.name, image.destination, image.size, expected);
}

/** Sectors `[first, end)` of the image, all in one 64 KiB block: compare, erase what must be, copy what changed. */
function commitBlock(ctx: Context, index: number, from: number, first: number, end: number): void {
  const image = ctx.plan.images[index];
  const base = image.destination + first * SECTOR_SIZE;
  // Bit k: sector first + k changed / changed and holds data / may be erased (changed or reads erased).
  let changed = 0;
  let data = 0;
  let may = 0;
  for (let i = first; i < end; i++) {
    const bit = 1 << (i - first);
    const differs = sectorChanged(ctx, index, from, i);
    const erased = isErasedWords(ctx.buffers.flash32);
    if (differs) changed |= bit;
    if (differs && !erased) data |= bit;
    if (differs || erased) may |= bit;
  }
  if (changed === 0) return;
  // The window is a whole aligned block only when it starts at a block boundary and holds 16 sectors.
  const wholeBlock = end - first === SECTORS_PER_BLOCK && base % BLOCK_SIZE === 0;
  if (wholeBlock && may === WHOLE_BLOCK && bitCount(data) >= BLOCK_WORTH_SECTORS) ctx.platform.flash.erase(base, BLOCK_SIZE);
  else eraseSectorRuns(ctx.platform.flash, base, data);
  for (let i = first; i < end; i++) if (changed & (1 << (i - first))) copySector(ctx, index, from, i);
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

/** Copy sector `i` of the image from staging to its (erased) destination sector. */
function copySector(ctx: Context, index: number, from: number, i: number): void {
  const image = ctx.plan.images[index];
  const offset = i * SECTOR_SIZE;
  const n = Math.min(SECTOR_SIZE, image.size - offset);
  ctx.platform.flash.read(from + offset, ctx.buffers.sector);
  if (n < SECTOR_SIZE) ctx.buffers.sector.fill(0xff, n);
  writeDataPages(ctx.platform.flash, image.destination + offset, ctx.buffers.sector, ctx.buffers.sector32);
  ctx.written[index]++;
}
