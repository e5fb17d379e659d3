/**
 * Writing a source straight to its (free) destination, sector by sector as it
 * arrives, leaving alone the sectors that already hold the right bytes.
 *
 * Erases: a sector's bytes are only known when it arrives, so whether a
 * 64 KiB block erase pays (~150 ms against ~45 ms per sector) is a bet on the
 * sectors to come. At a block boundary the previous sector tells: when it
 * changed, the run goes on and the block is erased whole
 * (`streamingEraseLength`). At the image's first sector there is no previous
 * sector:
 * - most of its words differ: another image occupies the destination (a new
 *   app over an old one), every sector will change: bet on the block;
 * - a few differ (a new build of the same app: version and hashes in the
 *   header): hold the sector back, and the next one too if it changes, until
 *   a third tells. Sectors 0, 1 and 2 all changed (code that moved): erase
 *   the block. Otherwise (scattered edits) erase the held sectors alone.
 *   At most 2 sectors are held, in the job's fixed buffers.
 *
 * Verification: a skipped sector was compared when read; a written one is
 * read back right after its write. With the source's hash checked by the
 * caller, every sector of the destination has been compared with hashed
 * bytes, without reading it all again: for an update where 13 of 256
 * sectors change, 269 sector reads instead of 512.
 */
import type { ByteSource, Phase } from './ports';
import { BLOCK_SIZE, SECTOR_SIZE, alignUp, isAligned } from './regions';
import { differingWords, isErasedWords, streamingEraseLength } from './sector-diff';
import { sectorMatchesFlash } from './buffers';
import type { Context } from './context';
import type { PlannedImage } from './plan-types';
import { checkSectorWritten } from './verify';
import { writeDataPages } from './program';
import { eraseSectorRuns } from './erase-units';
import { padSector, streamSectors } from './transfer';
import type { StreamResult } from './transfer';

/** Sectors held back at the image's start before the first block's erase is decided. */
const MAX_HELD = 2;

interface DirectWrite {
  ctx: Context;
  index: number;
  image: PlannedImage;
  extentEnd: number;
  /** Everything below was erased by this run (a block bet): it reads 0xFF. */
  erasedEnd: number;
  /** Did the previous sector change? null before the first sector. */
  runUnderWay: boolean | null;
  /** Sectors 0..held-1 of the image wait in `buffers.held`. */
  held: number;
  /** Bit k: held sector k holds data on flash (must be erased before its write). */
  heldData: number;
}

/**
 * @throws ReflashError `READBACK_ERASED`, `READBACK_MISMATCH` for a sector
 *   that does not read back as written; `SIZE_MISMATCH`, `SOURCE_*`, `FLASH_*`.
 */
export async function streamToDestination(ctx: Context, source: ByteSource, index: number, phase: Phase): Promise<StreamResult> {
  const image = ctx.plan.images[index];
  const w: DirectWrite = {
    ctx, index, image, extentEnd: image.destination + alignUp(image.size, SECTOR_SIZE),
    erasedEnd: image.destination, runUnderWay: null, held: 0, heldData: 0,
  };
  const result = await streamSectors(ctx, source, image, phase, (_c, offset, n) => directSector(w, offset, n));
  flushHeld(w, false);
  return result;
}

function directSector(w: DirectWrite, offset: number, n: number): void {
  const { ctx } = w;
  const address = w.image.destination + offset;
  // Inside a block this run erased, the flash reads 0xFF: reading it would only cost time (the read-back checks every byte).
  const erased = address < w.erasedEnd;
  if (!erased) ctx.platform.flash.read(address, ctx.buffers.flash);
  const same = !erased && sectorMatchesFlash(ctx.buffers, n);
  const data = !erased && !same && !isErasedWords(ctx.buffers.flash32);
  if (w.held > 0) {
    // Deciding the first block: a change here continues the run of held changes.
    if (!same && w.held < MAX_HELD) { hold(w, n, data); return; }
    flushHeld(w, !same);
    if (address < w.erasedEnd) { writeSector(w, address, n); return; }
  }
  if (same) {
    ctx.skipped[w.index]++;
    w.runUnderWay = false;
    return;
  }
  if (data) {
    if (w.runUnderWay === null && !anotherImage(ctx) && canBet(w, address)) { hold(w, n, true); return; }
    const length = streamingEraseLength(address, w.extentEnd, w.runUnderWay ?? true);
    ctx.platform.flash.erase(address, length);
    w.erasedEnd = address + length;
  }
  writeSector(w, address, n);
}

/** Most words of the arriving sector differ from the flash's: another image is there. */
function anotherImage(ctx: Context): boolean {
  return differingWords(ctx.buffers.sector32, ctx.buffers.flash32) * 2 > ctx.buffers.sector32.length;
}

/** A block erase from here is possible: a block boundary, the whole block inside the image. */
function canBet(w: DirectWrite, address: number): boolean {
  return isAligned(address, BLOCK_SIZE) && address + BLOCK_SIZE <= w.extentEnd;
}

/** Keep the arriving sector (padded) back; it is erased and written by `flushHeld`. */
function hold(w: DirectWrite, n: number, data: boolean): void {
  padSector(w.ctx, n);
  w.ctx.buffers.held[w.held].set(w.ctx.buffers.sector);
  if (data) w.heldData |= 1 << w.held;
  w.held++;
}

/** Erase the held sectors (the whole block when `bet`) and write them. */
function flushHeld(w: DirectWrite, bet: boolean): void {
  if (w.held === 0) return;
  const { ctx } = w;
  const base = w.image.destination;
  if (bet) {
    ctx.platform.flash.erase(base, BLOCK_SIZE);
    w.erasedEnd = base + BLOCK_SIZE;
  } else {
    eraseSectorRuns(ctx.platform.flash, base, w.heldData);
  }
  const { held, held32 } = ctx.buffers;
  for (let k = 0; k < w.held; k++) {
    const address = base + k * SECTOR_SIZE;
    writeDataPages(ctx.platform.flash, address, held[k], held32[k]);
    checkSectorWritten(ctx, w.image.name, address, held32[k]);
    ctx.written[w.index]++;
  }
  w.held = 0;
  w.heldData = 0;
  w.runUnderWay = true;
}

/** Write the arriving sector (padded) to erased flash and read it back. */
function writeSector(w: DirectWrite, address: number, n: number): void {
  const { ctx } = w;
  w.runUnderWay = true;
  padSector(ctx, n);
  writeDataPages(ctx.platform.flash, address, ctx.buffers.sector, ctx.buffers.sector32);
  checkSectorWritten(ctx, w.image.name, address, ctx.buffers.sector32);
  ctx.written[w.index]++;
}
