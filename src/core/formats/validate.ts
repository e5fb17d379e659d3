/**
 * One entry point per image kind, over a read function, for the engine (staged
 * bytes read back from flash), the bundle checks and the CLI's `inspect`.
 */
import type { CryptoPort } from '../ports';
import type { ImageKind } from '../job';
import { ReflashError, hex } from '../errors';
import type { Check } from './checks';
import { type ReadFn, arrayReader, u16, u32 } from './bytes';
import { ESP_APP_DESC_MAGIC, ESP_IMAGE_MAGIC, type EspImageInfo, EspImageVerifier, verifyEspImage } from './esp-image';
import { MCUBOOT_MAGIC, type McubootImageInfo, McubootVerifier, verifyMcubootImage } from './mcuboot';
import { OTADATA_SECTOR, type OtadataInfo, otaSelectCrc, parseOtadata } from './otadata';
import { OTADATA_SIZE, PTABLE_MAGIC, PTABLE_MAX_LENGTH, type PartitionTableInfo, parsePartitionTable } from './partition-table';

export interface ImageContext {
  crypto: CryptoPort;
  /** Target chip, for ESP images. */
  chip?: string;
  /** Bytes available at the destination. */
  regionSize?: number;
  /** For partition tables. */
  flashSize?: number;
  tableOffset?: number;
  /** Bytes that will arrive, when known (streaming only): truncation then shows as early as with a read function. */
  size?: number;
}

export interface RawInfo {
  format: 'raw';
  length: number;
  checks: Check[];
}

export type ImageReport = EspImageInfo | PartitionTableInfo | OtadataInfo | McubootImageInfo | RawInfo;

function readAll(read: ReadFn, size: number): Uint8Array {
  const b = new Uint8Array(size);
  read(0, b);
  return b;
}

/**
 * Validates `size` bytes as an image of `kind`.
 * @throws ReflashError the kind's codes (`IMAGE_*`, `PTABLE_*`, `OTADATA_SIZE`, `MCUBOOT_*`), and
 * `IMAGE_TOO_BIG_FOR_REGION` when `size` exceeds `regionSize`.
 */
export function validateImage(kind: ImageKind, read: ReadFn, size: number, ctx: ImageContext): ImageReport {
  if (ctx.regionSize !== undefined && size > ctx.regionSize) {
    throw new ReflashError('IMAGE_TOO_BIG_FOR_REGION', `${kind} image of ${size} bytes does not fit its ${ctx.regionSize}-byte region (${hex(ctx.regionSize)}): shrink it or enlarge the region`, { size, regionSize: ctx.regionSize });
  }
  switch (kind) {
    case 'bootloader':
    case 'app':
      return verifyEspImage(read, size, { crypto: ctx.crypto, kind, chip: ctx.chip, regionSize: ctx.regionSize });
    case 'partition-table': {
      const table = parsePartitionTable(readAll(read, Math.min(size, PTABLE_MAX_LENGTH)), { crypto: ctx.crypto, flashSize: ctx.flashSize, tableOffset: ctx.tableOffset });
      return table;
    }
    case 'otadata':
      if (size !== OTADATA_SIZE) throw new ReflashError('OTADATA_SIZE', `otadata image of ${size} bytes; it must be exactly ${hex(OTADATA_SIZE)} (two sectors)`, { size });
      return parseOtadata(readAll(read, size));
    case 'mcuboot':
      return verifyMcubootImage(read, size, { crypto: ctx.crypto, slotSize: ctx.regionSize });
    case 'raw':
      return { format: 'raw', length: size, checks: [] };
    default:
      throw new ReflashError('IMAGE_KIND_UNKNOWN', `image kind "${String(kind)}" is not one of bootloader, partition-table, otadata, app, mcuboot, raw`, { kind: String(kind) });
  }
}

/**
 * Guesses the kind from the first bytes: 0xE9 (app when an app descriptor
 * follows the first segment header), AA 50, the MCUboot magic, or otadata
 * (0x2000 bytes whose copies are blank or carry a right crc).
 */
export function detectImageKind(bytes: Uint8Array): ImageKind | undefined {
  if (bytes.length >= 24 && bytes[0] === ESP_IMAGE_MAGIC) {
    return bytes.length >= 36 && u32(bytes, 32) === ESP_APP_DESC_MAGIC ? 'app' : 'bootloader';
  }
  if (bytes.length >= 32 && u16(bytes, 0) === PTABLE_MAGIC) return 'partition-table';
  if (bytes.length >= 32 && u32(bytes, 0) === MCUBOOT_MAGIC) return 'mcuboot';
  if (bytes.length === OTADATA_SIZE) {
    const plausible = (o: number) => u32(bytes, o) === 0xffffffff || u32(bytes, o + 28) === otaSelectCrc(u32(bytes, o));
    if (plausible(0) && plausible(OTADATA_SECTOR) && !(u32(bytes, 0) === 0xffffffff && u32(bytes, OTADATA_SECTOR) === 0xffffffff && bytes.every((x) => x === 0xff))) return 'otadata';
  }
  return undefined;
}

/**
 * `inspect` for one file: detects the kind unless given, then validates.
 * @throws ReflashError `IMAGE_KIND_UNKNOWN` when the kind cannot be told.
 */
export function inspectImage(bytes: Uint8Array, ctx: ImageContext & { kind?: ImageKind }): ImageReport {
  const kind = ctx.kind ?? detectImageKind(bytes);
  if (!kind) {
    throw new ReflashError('IMAGE_KIND_UNKNOWN', `${bytes.length} bytes starting ${hex(bytes.length >= 4 ? u32(bytes, 0) : 0)} are no ESP image, partition table, MCUboot image or otadata: name the kind (--kind) or check the file`, { length: bytes.length });
  }
  return validateImage(kind, arrayReader(bytes), bytes.length, ctx);
}

/** Checks an image of one kind as its bytes arrive, in order, in chunks of any size. */
export interface ImageVerifier {
  /** @throws ReflashError at the first failed check, or `IMAGE_TOO_BIG_FOR_REGION` once more bytes than the region arrive. */
  update(chunk: Uint8Array): void;
  /** @throws ReflashError when the bytes fed do not make a valid image of the kind. */
  finish(): ImageReport;
}

/**
 * The push form of `validateImage`, for checking bytes while they stream
 * (download, or staged bytes read back 4 KiB at a time). ESP and MCUboot
 * images are checked on the fly and never held; partition tables (0xC00
 * bytes) and otadata (0x2000) are collected, then parsed by `finish()`.
 */
export function createImageVerifier(kind: ImageKind, ctx: ImageContext): ImageVerifier {
  let total = 0;
  const region = ctx.regionSize;
  const count = (n: number) => {
    total += n;
    if (region !== undefined && total > region) {
      throw new ReflashError('IMAGE_TOO_BIG_FOR_REGION', `${kind} image passes ${region} bytes, the size of its region (${hex(region)}): shrink it or enlarge the region`, { size: total, regionSize: region });
    }
  };
  const collect = (limit: number, parse: (b: Uint8Array, total: number) => ImageReport): ImageVerifier => {
    const held = new Uint8Array(limit);
    return {
      update(chunk) {
        if (total < limit) held.set(chunk.subarray(0, limit - total), total);
        count(chunk.length);
      },
      finish: () => parse(held.subarray(0, Math.min(total, limit)), total),
    };
  };
  switch (kind) {
    case 'bootloader':
    case 'app': {
      const v = new EspImageVerifier({ crypto: ctx.crypto, kind, chip: ctx.chip, regionSize: ctx.regionSize, size: ctx.size });
      return { update(chunk) { count(chunk.length); v.update(chunk); }, finish: () => v.finish() };
    }
    case 'mcuboot': {
      const v = new McubootVerifier({ crypto: ctx.crypto, slotSize: ctx.regionSize, size: ctx.size });
      return { update(chunk) { count(chunk.length); v.update(chunk); }, finish: () => v.finish() };
    }
    case 'partition-table':
      return collect(PTABLE_MAX_LENGTH, (b) => parsePartitionTable(b, { crypto: ctx.crypto, flashSize: ctx.flashSize, tableOffset: ctx.tableOffset }));
    case 'otadata':
      return collect(OTADATA_SIZE, (b, n) => {
        if (n !== OTADATA_SIZE) throw new ReflashError('OTADATA_SIZE', `otadata image of ${n} bytes; it must be exactly ${hex(OTADATA_SIZE)} (two sectors)`, { size: n });
        return parseOtadata(b);
      });
    case 'raw':
      return { update(chunk) { count(chunk.length); }, finish: () => ({ format: 'raw', length: total, checks: [] }) };
    default:
      throw new ReflashError('IMAGE_KIND_UNKNOWN', `image kind "${String(kind)}" is not one of bootloader, partition-table, otadata, app, mcuboot, raw`, { kind: String(kind) });
  }
}
