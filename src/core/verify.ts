/**
 * Verification: what arrived against what the job expects, and what the flash
 * holds against what was written. Read-back tells "the region is still
 * erased" (the write never landed) from "the bytes differ".
 */
import { ReflashError, hex } from './errors';
import { SECTOR_SIZE } from './regions';
import { isErased, isErasedWords, sameWords } from './sector-diff';
import { progress } from './context';
import type { Context } from './context';
import type { Phase } from './ports';

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return s;
}

/** SHA-256 (hex) of `size` bytes of flash at `address`, read a sector at a time. */
export function hashFlash(ctx: Context, address: number, size: number, phase: Phase, image: string): string {
  const { flash } = ctx.buffers;
  const sha = ctx.platform.crypto.sha256();
  for (let done = 0; done < size;) {
    const n = Math.min(SECTOR_SIZE, size - done);
    ctx.platform.flash.read(address + done, flash);
    sha.update(n === SECTOR_SIZE ? flash : flash.subarray(0, n));
    done += n;
    progress(ctx, phase, image, done, size);
  }
  return toHex(sha.digest());
}

/**
 * Read `size` bytes at `address` back and compare their SHA-256 with `expected`.
 * @throws ReflashError `READBACK_ERASED` when every byte reads 0xFF, else `READBACK_MISMATCH`.
 */
export function checkReadBack(ctx: Context, image: string, address: number, size: number, expected: string): void {
  const actual = hashFlash(ctx, address, size, 'verify', image);
  if (actual === expected) return;
  const values = { image, address, size, expected, actual };
  if (regionErased(ctx, address, size)) {
    throw new ReflashError('READBACK_ERASED',
      `image "${image}": ${hex(address)}+${hex(size)} still reads erased after the write; the flash refused the write: ` +
      'check the write protection and the flash driver log', values);
  }
  throw new ReflashError('READBACK_MISMATCH',
    `image "${image}": read-back of ${hex(address)}+${hex(size)} hashes ${actual}, expected ${expected}; ` +
    'the flash may be failing: run the job again', values);
}

/** True when every whole sector of `[address, address + length)` reads 0xFF; `length` is a multiple of 4 KiB. */
export function sectorsErased(ctx: Context, address: number, length: number): boolean {
  for (let done = 0; done < length; done += SECTOR_SIZE) {
    ctx.platform.flash.read(address + done, ctx.buffers.flash);
    if (!isErasedWords(ctx.buffers.flash32)) return false;
  }
  return true;
}

function regionErased(ctx: Context, address: number, size: number): boolean {
  const { flash } = ctx.buffers;
  for (let done = 0; done < size; done += SECTOR_SIZE) {
    const n = Math.min(SECTOR_SIZE, size - done);
    ctx.platform.flash.read(address + done, flash);
    if (!isErased(flash, n)) return false;
  }
  return true;
}

/**
 * Read back the sector just written at `address` and compare every byte with
 * `expected` (the image's bytes, padded with 0xFF).
 * @throws ReflashError `READBACK_ERASED` when the sector reads erased, else `READBACK_MISMATCH`.
 */
export function checkSectorWritten(ctx: Context, image: string, address: number, expected: Uint32Array): void {
  const { flash32 } = ctx.buffers;
  ctx.platform.flash.read(address, ctx.buffers.flash);
  if (sameWords(expected, flash32)) return;
  const values = { image, address, size: SECTOR_SIZE };
  if (isErasedWords(flash32)) {
    throw new ReflashError('READBACK_ERASED',
      `image "${image}": sector ${hex(address)} still reads erased after the write; the flash refused the write: ` +
      'check the write protection and the flash driver log', values);
  }
  throw new ReflashError('READBACK_MISMATCH',
    `image "${image}": sector ${hex(address)} reads back different from what was written; ` +
    'the flash may be failing: run the job again', values);
}

/**
 * The streamed bytes against the job's SHA-256, when it gave one.
 * @throws ReflashError `HASH_MISMATCH`
 */
export function checkStreamedHash(image: string, actual: string, expected: string | null, where: string): void {
  if (expected === null || actual === expected) return;
  throw new ReflashError('HASH_MISMATCH',
    `image "${image}": ${where} hash to ${actual}, the job expects ${expected}; ` +
    'check the image URL and the hash in the job', { image, expected, actual });
}
