/**
 * The only byte buffers a job allocates, once, whatever the image sizes: the
 * heap must not grow with the image, and nothing is allocated per chunk.
 *
 * `io` and `sector` share one ArrayBuffer so that bytes move from the source's
 * buffer into the sector being assembled with `copyWithin`, which allocates
 * nothing (a `subarray` per chunk would).
 */
import { SECTOR_SIZE } from './regions';
import { sameBytes, sameWords } from './sector-diff';

export interface Buffers {
  /** `io` then `sector`, back to back. */
  readonly pair: Uint8Array;
  /** What every `ByteSource.read` is handed: always this same object. */
  readonly io: Uint8Array;
  /** The sector being assembled, or copied from staging. */
  readonly sector: Uint8Array;
  /** What the flash holds, read for comparison and read-back. */
  readonly flash: Uint8Array;
  /** `sector` and `flash` as 32-bit words: whole sectors compare 4 times faster in XS. */
  readonly sector32: Uint32Array;
  readonly flash32: Uint32Array;
  /** Two sectors a direct write holds back while it decides its first block's erase (direct-write.ts), and their words. */
  readonly held: readonly [Uint8Array, Uint8Array];
  readonly held32: readonly [Uint32Array, Uint32Array];
}

export function makeBuffers(): Buffers {
  const pair = new Uint8Array(2 * SECTOR_SIZE);
  const flash = new Uint8Array(SECTOR_SIZE);
  const held = new ArrayBuffer(2 * SECTOR_SIZE);
  return {
    pair,
    io: pair.subarray(0, SECTOR_SIZE),
    sector: pair.subarray(SECTOR_SIZE),
    flash,
    sector32: new Uint32Array(pair.buffer, SECTOR_SIZE, SECTOR_SIZE / 4),
    flash32: new Uint32Array(flash.buffer),
    held: [new Uint8Array(held, 0, SECTOR_SIZE), new Uint8Array(held, SECTOR_SIZE, SECTOR_SIZE)],
    held32: [new Uint32Array(held, 0, SECTOR_SIZE / 4), new Uint32Array(held, SECTOR_SIZE, SECTOR_SIZE / 4)],
  };
}

/** True when the first `n` bytes of `sector` equal those of `flash`. */
export function sectorMatchesFlash(b: Buffers, n: number): boolean {
  return n === SECTOR_SIZE ? sameWords(b.sector32, b.flash32) : sameBytes(b.sector, b.flash, n);
}
