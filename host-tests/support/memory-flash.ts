/**
 * An in-memory NOR flash with the rules real flash enforces: erase sets 0xFF
 * in whole 4 KiB sectors at aligned addresses, write can only program erased
 * bytes, and every operation is counted the way ESP-IDF's driver would issue
 * it (a region is erased with 64 KiB blocks where aligned, else 4 KiB sectors).
 */
import { ReflashError, hex } from '../../src/core/errors';
import type { FlashPort } from '../../src/core/ports';
import type { Range } from '../../src/core/regions';

const SECTOR = 0x1000;
const BLOCK32 = 0x8000;
const BLOCK64 = 0x10000;

export interface FlashStats {
  reads: number;
  readBytes: number;
  writes: number;
  writeBytes: number;
  /** `erase()` calls. */
  eraseCalls: number;
  erase4k: number;
  erase32k: number;
  erase64k: number;
  erasedBytes: number;
}

export interface MemoryFlashOptions {
  /** Use 32 KiB block erases where 64 KiB do not fit (ESP-IDF does not by default). */
  use32k?: boolean;
  /** Ranges the driver refuses to erase or write (FLASH_PROTECTED). */
  protect?: Range[];
}

/** Typical W25Q32JV-class timings (DESIGN.md section 5), for modelled device time. */
export const TIMING_MS = { page: 0.4, sector: 45, block32: 120, block64: 150 } as const;

export class MemoryFlash implements FlashPort {
  readonly size: number;
  readonly sectorSize = SECTOR;
  readonly bytes: Uint8Array;
  stats: FlashStats = emptyStats();
  /** Every erase and write, in order: for asserting what was touched. */
  readonly ops: Array<{ op: 'erase' | 'write'; address: number; length: number }> = [];
  /** Throw FLASH_IO on the operation with this index (0 = the next one), for fault injection. */
  failAtOp: number | undefined;
  private readonly options: MemoryFlashOptions;

  constructor(size: number, options: MemoryFlashOptions = {}) {
    this.size = size;
    this.bytes = new Uint8Array(size).fill(0xff);
    this.options = options;
  }

  read(address: number, target: Uint8Array): void {
    this.checkBounds('read', address, target.length);
    target.set(this.bytes.subarray(address, address + target.length));
    this.stats.reads++;
    this.stats.readBytes += target.length;
  }

  erase(address: number, length: number): void {
    this.checkBounds('erase', address, length);
    if (address % SECTOR !== 0 || length % SECTOR !== 0) {
      throw new ReflashError('FLASH_ALIGN', `erase ${hex(address)}+${hex(length)}: not 4 KiB aligned`);
    }
    this.checkAllowed('erase', address, length);
    this.ops.push({ op: 'erase', address, length });
    this.stats.eraseCalls++;
    for (let at = address; at < address + length;) at += this.eraseUnit(at, address + length);
    this.bytes.fill(0xff, address, address + length);
    this.stats.erasedBytes += length;
  }

  write(address: number, data: Uint8Array): void {
    this.checkBounds('write', address, data.length);
    this.checkAllowed('write', address, data.length);
    for (let i = 0; i < data.length; i++) {
      if (this.bytes[address + i] !== 0xff) {
        throw new ReflashError('FLASH_NOT_ERASED',
          `write ${hex(address)}+${hex(data.length)}: byte at ${hex(address + i)} is ${hex(this.bytes[address + i], 2)}, not erased`);
      }
    }
    this.ops.push({ op: 'write', address, length: data.length });
    // NOR programming only clears bits.
    for (let i = 0; i < data.length; i++) this.bytes[address + i] &= data[i];
    this.stats.writes++;
    this.stats.writeBytes += data.length;
  }

  /** Copy of `length` bytes at `address`. */
  snapshot(address = 0, length = this.size - address): Uint8Array {
    return this.bytes.slice(address, address + length);
  }

  /** Fill a range directly, as if flashed by cable: not counted. */
  load(address: number, data: Uint8Array): void {
    this.bytes.set(data, address);
  }

  resetStats(): void {
    this.stats = emptyStats();
    this.ops.length = 0;
  }

  /** Device time the counted operations would take, typical values. */
  modelledMs(): number {
    const s = this.stats;
    return s.erase4k * TIMING_MS.sector + s.erase32k * TIMING_MS.block32 + s.erase64k * TIMING_MS.block64 +
      Math.ceil(s.writeBytes / 256) * TIMING_MS.page;
  }

  /** The unit the driver uses at `at`, counted; returns its size. */
  private eraseUnit(at: number, end: number): number {
    if (at % BLOCK64 === 0 && end - at >= BLOCK64) { this.stats.erase64k++; return BLOCK64; }
    if (this.options.use32k && at % BLOCK32 === 0 && end - at >= BLOCK32) { this.stats.erase32k++; return BLOCK32; }
    this.stats.erase4k++;
    return SECTOR;
  }

  private checkBounds(op: string, address: number, length: number): void {
    if (address < 0 || address > this.size || length > this.size - address) {
      throw new ReflashError('FLASH_BOUNDS', `${op} ${hex(address)}+${hex(length)}: outside the ${hex(this.size)}-byte flash`);
    }
  }

  private checkAllowed(op: string, address: number, length: number): void {
    if (this.failAtOp !== undefined && this.failAtOp-- === 0) {
      throw new ReflashError('FLASH_IO', `${op} ${hex(address)}+${hex(length)}: injected failure`);
    }
    for (const p of this.options.protect ?? []) {
      if (address < p.address + p.size && p.address < address + length) {
        throw new ReflashError('FLASH_PROTECTED', `${op} ${hex(address)}+${hex(length)}: protected range ${hex(p.address)}+${hex(p.size)}`);
      }
    }
  }
}

function emptyStats(): FlashStats {
  return { reads: 0, readBytes: 0, writes: 0, writeBytes: 0, eraseCalls: 0, erase4k: 0, erase32k: 0, erase64k: 0, erasedBytes: 0 };
}
