/**
 * ESP-IDF image format (bootloader and app), as `esp_image_format.c` checks it:
 *
 *   0   esp_image_header_t (24 bytes): magic 0xE9, segment_count, spi_mode,
 *       spi_speed:4|spi_size:4, entry_addr, wp_pin, spi_pin_drv[3], chip_id u16,
 *       min_chip_rev, min/max_chip_rev_full u16, reserved[4], hash_appended
 *   24  segment_count x { u32 load_addr; u32 data_len; data[data_len] }
 *       (data_len a multiple of 4, below 16 MiB)
 *   L   0..15 zero bytes, then the checksum byte, so that L + pad is a multiple of 16;
 *       checksum = 0xEF ^ every segment data byte
 *   +32 when hash_appended != 0: SHA-256 of every byte before it
 *
 * An app's first segment starts with esp_app_desc_t (256 bytes, magic
 * 0xABCD5432); a recent bootloader's first segment starts with
 * esp_bootloader_desc_t (80 bytes, magic byte 80).
 *
 * The verifier is fed chunks in order, so the device can check an image as
 * it reads it back from flash 4 KiB at a time, without holding it.
 */
import type { CryptoPort, Sha256 } from '../ports';
import { type ErrorCode, ReflashError, hex } from '../errors';
import { type Check, pass, warn } from './checks';
import { chipById, findChip } from './chips';
import { type ReadFn, arrayReader, cString, equalBytes, pullInto, toHex, u16, u32 } from './bytes';
import { FieldStream } from './field-stream';

export const ESP_IMAGE_MAGIC = 0xe9;
export const ESP_IMAGE_HEADER_SIZE = 24;
export const ESP_SEGMENT_HEADER_SIZE = 8;
export const ESP_IMAGE_MAX_SEGMENTS = 16;
export const ESP_CHECKSUM_SEED = 0xef;
export const ESP_APP_DESC_MAGIC = 0xabcd5432;
export const ESP_APP_DESC_SIZE = 256;
export const ESP_BOOTLOADER_DESC_MAGIC = 80;
export const ESP_BOOTLOADER_DESC_SIZE = 80;
/** Segment lengths at or above this are refused (ESP_IMAGE_MAX_FLASH_ADDR_SIZE on-chip). */
export const ESP_SEGMENT_MAX_LENGTH = 0x1000000;

export type EspImageKind = 'bootloader' | 'app';

export interface EspImageOptions {
  crypto: CryptoPort;
  /** What the image must be; undefined: an app if segment 0 holds an app descriptor, else a bootloader. */
  kind?: EspImageKind;
  /** The chip it must run on (checks the header's chip_id). */
  chip?: string;
  /** Bytes available at the destination: the partition size, or the room before the partition table. */
  regionSize?: number;
  /** Bytes there are to read (file or staged size); lets truncation show as soon as a header announces more. */
  size?: number;
}

export interface EspImageHeader {
  magic: number;
  segmentCount: number;
  spiMode: number;
  spiSpeed: number;
  spiSize: number;
  entryAddr: number;
  wpPin: number;
  spiPinDrv: number[];
  chipId: number;
  /** Chip name for a known chip_id. */
  chipName: string | undefined;
  minChipRev: number;
  minChipRevFull: number;
  maxChipRevFull: number;
  hashAppended: boolean;
}

export interface EspSegment {
  index: number;
  /** Offset of the segment data inside the image. */
  offset: number;
  loadAddr: number;
  length: number;
}

export interface EspAppDescriptor {
  secureVersion: number;
  version: string;
  projectName: string;
  time: string;
  date: string;
  idfVersion: string;
  elfSha256: string;
  minEfuseBlkRevFull: number;
  maxEfuseBlkRevFull: number;
  /** log2 of the MMU page size the app was built for; 0 on older apps. */
  mmuPageSizeLog2: number;
}

export interface EspBootloaderDescriptor {
  secureVersion: number;
  version: number;
  idfVersion: string;
  dateTime: string;
}

export interface EspImageInfo {
  format: 'esp-image';
  kind: EspImageKind;
  header: EspImageHeader;
  segments: EspSegment[];
  appDescriptor: EspAppDescriptor | undefined;
  bootloaderDescriptor: EspBootloaderDescriptor | undefined;
  checksum: { stored: number; computed: number };
  /** Present when the header says a SHA-256 is appended. */
  appendedSha256: { stored: string; computed: string } | undefined;
  /** Bytes the image occupies: headers, segments, padding, checksum and hash. */
  length: number;
  checks: Check[];
}

export function parseEspImageHeader(b: Uint8Array): EspImageHeader {
  const chipId = u16(b, 12);
  return {
    magic: b[0],
    segmentCount: b[1],
    spiMode: b[2],
    spiSpeed: b[3] & 0x0f,
    spiSize: b[3] >> 4,
    entryAddr: u32(b, 4),
    wpPin: b[8],
    spiPinDrv: [b[9], b[10], b[11]],
    chipId,
    chipName: chipById(chipId)?.name,
    minChipRev: b[14],
    minChipRevFull: u16(b, 15),
    maxChipRevFull: u16(b, 17),
    hashAppended: b[23] !== 0,
  };
}

function parseAppDescriptor(b: Uint8Array): EspAppDescriptor {
  return {
    secureVersion: u32(b, 4),
    version: cString(b, 16, 32),
    projectName: cString(b, 48, 32),
    time: cString(b, 80, 16),
    date: cString(b, 96, 16),
    idfVersion: cString(b, 112, 32),
    elfSha256: toHex(b.subarray(144, 176)),
    minEfuseBlkRevFull: u16(b, 176),
    maxEfuseBlkRevFull: u16(b, 178),
    mmuPageSizeLog2: b[180],
  };
}

function parseBootloaderDescriptor(b: Uint8Array): EspBootloaderDescriptor {
  return { secureVersion: b[3], version: u32(b, 4), idfVersion: cString(b, 8, 32), dateTime: cString(b, 40, 24) };
}

/**
 * XOR of `b` into the byte `seed`, a 32-bit word at a time where the bytes
 * are aligned: 4x fewer loop turns, which XS on the device feels (a byte loop
 * costs about 60 ms per MiB even on a desktop build of XS).
 */
export function xorBytes(seed: number, b: Uint8Array): number {
  let x = seed;
  let i = 0;
  const n = b.length;
  while (i < n && ((b.byteOffset + i) & 3) !== 0) x ^= b[i++];
  const words = (n - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
    let acc = 0;
    for (let k = 0; k < words; k++) acc ^= w[k];
    x ^= (acc ^ (acc >>> 8) ^ (acc >>> 16) ^ (acc >>> 24)) & 0xff;
    i += words << 2;
  }
  while (i < n) x ^= b[i++];
  return x & 0xff;
}

const enum Stage { Header, SegmentHeader, SegmentData, Tail, Hash, Done }

/**
 * Checks an ESP image fed in order, in chunks of any size.
 * @throws ReflashError from `update()` at the first failed check, and from
 * `finish()` with `IMAGE_TRUNCATED` when the image has not ended.
 */
export class EspImageVerifier extends FieldStream {
  private readonly opts: EspImageOptions;
  private stage = Stage.Header;
  private xor = ESP_CHECKSUM_SEED;
  private sha: Sha256 | undefined;
  private header: EspImageHeader | undefined;
  private readonly segments: EspSegment[] = [];
  private first = new Uint8Array(ESP_APP_DESC_SIZE);
  private firstFill = 0;
  private kind: EspImageKind | undefined;
  private appDescriptor: EspAppDescriptor | undefined;
  private bootloaderDescriptor: EspBootloaderDescriptor | undefined;
  private checksum = { stored: 0, computed: 0 };
  private appended: { stored: string; computed: string } | undefined;
  private readonly checks: Check[] = [];
  /** Bytes fed after the image's end (padding of a partition, trailing file bytes). */
  trailing = 0;

  constructor(opts: EspImageOptions) {
    super(ESP_IMAGE_HEADER_SIZE);
    this.opts = opts;
    this.kind = opts.kind;
  }

  /** True once the checksum (and hash, when appended) has been read and checked. */
  get done(): boolean {
    return this.stage === Stage.Done;
  }

  /** Bytes consumed so far, up to the image's end. */
  get consumed(): number {
    return this.pos;
  }

  update(chunk: Uint8Array): void {
    this.trailing += chunk.length - this.feed(chunk);
  }

  protected get passing(): boolean {
    return this.stage === Stage.SegmentData;
  }

  /** Segment data: into the checksum, the app descriptor's bytes, the hash. */
  protected passed(part: Uint8Array): void {
    this.xor = xorBytes(this.xor, part);
    if (this.segments.length === 1 && this.firstFill < this.first.length) {
      const take = Math.min(part.length, this.first.length - this.firstFill);
      this.first.set(part.subarray(0, take), this.firstFill);
      this.firstFill += take;
    }
    if (this.sha) this.sha.update(part);
  }

  protected runComplete(): void {
    this.endSegment();
  }

  /** Headers and the tail are hashed; the appended hash itself is not. */
  protected gathered(part: Uint8Array): void {
    if (this.sha && this.stage !== Stage.Hash) this.sha.update(part);
  }

  /** @throws ReflashError `IMAGE_TRUNCATED` when fed bytes stop before the image's end. */
  finish(): EspImageInfo {
    if (this.stage !== Stage.Done) {
      throw new ReflashError('IMAGE_TRUNCATED', `ESP image ends after ${this.pos} bytes, inside its ${this.stageName()}: the file or staged copy is incomplete; download or rebuild it`, { length: this.pos });
    }
    return {
      format: 'esp-image',
      kind: this.kind!,
      header: this.header!,
      segments: this.segments,
      appDescriptor: this.appDescriptor,
      bootloaderDescriptor: this.bootloaderDescriptor,
      checksum: this.checksum,
      appendedSha256: this.appended,
      length: this.pos,
      checks: this.checks,
    };
  }

  private stageName(): string {
    return ['header', 'segment header', 'segment data', 'padding and checksum', 'appended SHA-256', 'end'][this.stage];
  }

  private expect(n: number, stage: Stage): void {
    this.stage = stage;
    this.gather(n);
  }

  private fail(id: string, code: ErrorCode, message: string, details?: Record<string, number | string | boolean>): never {
    this.checks.push({ id, ok: false, level: 'error', message });
    throw new ReflashError(code, message, details);
  }

  /** Bytes from the start of the image to `end` must exist and fit the region. */
  private checkEnd(end: number, what: string): void {
    const { size, regionSize } = this.opts;
    if (regionSize !== undefined && end > regionSize) {
      this.fail('region', 'IMAGE_TOO_BIG_FOR_REGION', `ESP image ${what} reaches byte ${end}, past its ${regionSize}-byte region (${hex(regionSize)}): build a smaller image or give it a larger partition`, { end, regionSize });
    }
    if (size !== undefined && end > size) {
      this.fail('length', 'IMAGE_TRUNCATED', `ESP image ${what} reaches byte ${end} but only ${size} bytes are there: the image is cut short; download or rebuild it`, { end, size });
    }
  }

  protected fieldComplete(): void {
    const b = this.buf;
    switch (this.stage) {
      case Stage.Header: return this.onHeader(b);
      case Stage.SegmentHeader: return this.onSegmentHeader(b);
      case Stage.Tail: return this.onTail(b);
      case Stage.Hash: return this.onHash(b);
      default: return;
    }
  }

  private onHeader(b: Uint8Array): void {
    const h = parseEspImageHeader(b);
    this.header = h;
    if (h.magic !== ESP_IMAGE_MAGIC) {
      this.fail('magic', 'IMAGE_BAD_MAGIC', `ESP image magic: expected 0xe9, saw ${hex(h.magic, 2)}: this is not an ESP-IDF bootloader or app image (erased flash reads 0xff)`, { magic: h.magic });
    }
    this.checks.push(pass('magic', 'magic 0xe9'));
    if (this.opts.chip !== undefined) {
      const want = findChip(this.opts.chip);
      if (want && want.chipId !== h.chipId) {
        this.fail('chip', 'IMAGE_CHIP_MISMATCH', `ESP image chip_id ${hex(h.chipId, 4)} (${h.chipName ?? 'unknown chip'}) but the target is ${want.name} (${hex(want.chipId, 4)}): build the image for ${want.name}`, { chipId: h.chipId, expected: want.chipId });
      }
      this.checks.push(pass('chip', `chip_id ${hex(h.chipId, 4)} is ${this.opts.chip}`));
    }
    if (h.segmentCount === 0 || h.segmentCount > ESP_IMAGE_MAX_SEGMENTS) {
      this.fail('segments', 'IMAGE_SEGMENTS', `ESP image has ${h.segmentCount} segments; ESP-IDF loads 1 to ${ESP_IMAGE_MAX_SEGMENTS}: the header is corrupt or this is not an image`, { segmentCount: h.segmentCount });
    }
    this.checks.push(pass('segments', `${h.segmentCount} segments (at most ${ESP_IMAGE_MAX_SEGMENTS})`));
    if (h.hashAppended) {
      this.sha = this.opts.crypto.sha256();
      this.sha.update(b.subarray(0, ESP_IMAGE_HEADER_SIZE));
    }
    this.expect(ESP_SEGMENT_HEADER_SIZE, Stage.SegmentHeader);
  }

  private onSegmentHeader(b: Uint8Array): void {
    const index = this.segments.length;
    const loadAddr = u32(b, 0);
    const length = u32(b, 4);
    if (length % 4 !== 0 || length >= ESP_SEGMENT_MAX_LENGTH) {
      this.fail('segment-length', 'IMAGE_SEGMENTS', `ESP image segment ${index} length ${hex(length)} must be a multiple of 4 below ${hex(ESP_SEGMENT_MAX_LENGTH)}: the image is corrupt`, { segment: index, length });
    }
    if (index === 0 && this.kind === 'app' && length < ESP_APP_DESC_SIZE) {
      this.fail('app-desc', 'IMAGE_APP_DESC', `app image segment 0 is ${length} bytes, too short for the ${ESP_APP_DESC_SIZE}-byte app descriptor: this is not an ESP-IDF app`, { length });
    }
    this.checkEnd(this.pos + length, `segment ${index}`);
    this.segments.push({ index, offset: this.pos, loadAddr, length });
    if (index === 0) this.first = new Uint8Array(Math.min(length, ESP_APP_DESC_SIZE));
    this.remaining = length;
    this.stage = Stage.SegmentData;
    if (length === 0) this.endSegment();
  }

  private endSegment(): void {
    if (this.segments.length === 1) this.onFirstSegment();
    if (this.segments.length < this.header!.segmentCount) {
      this.expect(ESP_SEGMENT_HEADER_SIZE, Stage.SegmentHeader);
      return;
    }
    // 5000 bytes of headers+data -> pad to 5008: 7 zero bytes, then the checksum byte
    const padded = (this.pos + 1 + 15) & ~15;
    this.checkEnd(padded + (this.header!.hashAppended ? 32 : 0), 'checksum and hash');
    this.expect(padded - this.pos, Stage.Tail);
  }

  private onFirstSegment(): void {
    const f = this.first;
    const isApp = f.length >= 4 && u32(f, 0) === ESP_APP_DESC_MAGIC;
    if (this.kind === undefined) this.kind = isApp ? 'app' : 'bootloader';
    if (this.kind === 'app') {
      if (!isApp) {
        this.fail('app-desc', 'IMAGE_APP_DESC', `app image segment 0 does not start with the app descriptor magic 0xabcd5432 (saw ${hex(f.length >= 4 ? u32(f, 0) : 0)}): this is not an ESP-IDF app, or it is a bootloader`, {});
      }
      if (f.length < ESP_APP_DESC_SIZE) {
        this.fail('app-desc', 'IMAGE_APP_DESC', `app image segment 0 is ${f.length} bytes, too short for the ${ESP_APP_DESC_SIZE}-byte app descriptor: the image is corrupt`, { length: f.length });
      }
      this.appDescriptor = parseAppDescriptor(f);
      this.checks.push(pass('app-desc', `app descriptor: ${this.appDescriptor.projectName} ${this.appDescriptor.version}, IDF ${this.appDescriptor.idfVersion}`));
    } else if (isApp) {
      this.fail('kind', 'IMAGE_KIND_MISMATCH', 'image declared a bootloader carries an app descriptor (0xabcd5432): it is an app; written at the bootloader offset it would not boot', {});
    } else if (f.length >= ESP_BOOTLOADER_DESC_SIZE && f[0] === ESP_BOOTLOADER_DESC_MAGIC) {
      this.bootloaderDescriptor = parseBootloaderDescriptor(f);
      this.checks.push(pass('bootloader-desc', `bootloader descriptor: version ${this.bootloaderDescriptor.version}, IDF ${this.bootloaderDescriptor.idfVersion}`));
    }
  }

  private onTail(b: Uint8Array): void {
    const stored = b[this.need - 1];
    const computed = this.xor;
    this.checksum = { stored, computed };
    if (stored !== computed) {
      this.fail('checksum', 'IMAGE_CHECKSUM', `ESP image checksum at offset ${hex(this.pos - 1)}: stored ${hex(stored, 2)}, computed ${hex(computed, 2)}: the image is corrupt; rebuild or download it again`, { stored, computed });
    }
    this.checks.push(pass('checksum', `checksum ${hex(stored, 2)}`));
    if (this.header!.hashAppended) this.expect(32, Stage.Hash);
    else this.end();
  }

  private onHash(b: Uint8Array): void {
    const computed = this.sha!.digest();
    const stored = b.slice(0, 32);
    this.appended = { stored: toHex(stored), computed: toHex(computed) };
    if (!equalBytes(stored, computed)) {
      this.fail('sha256', 'IMAGE_HASH', `ESP image appended SHA-256 ${toHex(stored)} differs from the computed ${toHex(computed)}: the image is corrupt; rebuild or download it again`, { stored: toHex(stored), computed: toHex(computed) });
    }
    this.checks.push(pass('sha256', `appended SHA-256 ${toHex(stored)}`));
    this.end();
  }

  private end(): void {
    this.stage = Stage.Done;
    if (this.opts.regionSize !== undefined) this.checks.push(pass('region', `${this.pos} bytes fit the ${this.opts.regionSize}-byte region`));
  }
}

/**
 * Verifies the ESP image whose bytes `read` returns, reading at most 4 KiB at
 * a time and stopping at the image's end.
 * @param size bytes readable from offset 0 (file size, staged size or partition size)
 * @throws ReflashError `IMAGE_*` at the first failed check.
 */
export function verifyEspImage(read: ReadFn, size: number, opts: EspImageOptions): EspImageInfo {
  const v = new EspImageVerifier({ ...opts, size: opts.size ?? size });
  pullInto(read, size, v);
  return v.finish();
}

/** `verifyEspImage` over bytes in memory. */
export function inspectEspImage(bytes: Uint8Array, opts: EspImageOptions): EspImageInfo {
  const info = verifyEspImage(arrayReader(bytes), bytes.length, opts);
  // Inside a partition, bytes after the image are just free space; in a file they are worth a word.
  if (bytes.length > info.length) info.checks.push(warn('trailing', `${bytes.length - info.length} bytes follow the image's end at ${info.length}; they are not part of it`));
  return info;
}
