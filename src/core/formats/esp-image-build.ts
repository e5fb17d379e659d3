/**
 * Builds valid ESP-IDF images with deterministic pseudo-random content, for
 * tests, the CLI demo and benchmarks. The bytes are not runnable code; every
 * field the bootloader and this project's validator check is right.
 */
import type { CryptoPort } from '../ports';
import { ReflashError } from '../errors';
import { chipInfo } from './chips';
import { alignUp, concatBytes, pseudoRandomBytes, put16, put32, putCString } from './bytes';
import {
  ESP_APP_DESC_MAGIC, ESP_APP_DESC_SIZE, ESP_BOOTLOADER_DESC_MAGIC, ESP_BOOTLOADER_DESC_SIZE,
  ESP_CHECKSUM_SEED, ESP_IMAGE_HEADER_SIZE, ESP_IMAGE_MAGIC, ESP_IMAGE_MAX_SEGMENTS, ESP_SEGMENT_HEADER_SIZE,
  type EspImageKind,
} from './esp-image';

export interface EspImageBuildOptions {
  crypto: CryptoPort;
  chip: string;
  kind: EspImageKind;
  /**
   * Total image bytes wanted, rounded up to a multiple of 16 (and at least the
   * size the headers and descriptor need). Default 64 KiB for an app, 20 KiB for a bootloader.
   */
  size?: number;
  /** Seed of the content; the same options build the same bytes. */
  seed?: number;
  /** 1 to 16; default 4 for an app, 3 for a bootloader. */
  segments?: number;
  hashAppended?: boolean;
  /** App descriptor version, or the bootloader descriptor's u32 version. */
  version?: string | number;
  projectName?: string;
  idfVersion?: string;
  secureVersion?: number;
}

/** Load addresses that look like an IDF build (DROM, DRAM, IRAM); nothing here checks them. */
function loadAddress(kind: EspImageKind, index: number): number {
  if (kind === 'app') return [0x3f400020, 0x3ffb0000, 0x40080000, 0x400d0020][index % 4] + (index >> 2) * 0x10000;
  return [0x3fff0030, 0x40078000, 0x40080400][index % 3] + Math.floor(index / 3) * 0x1000;
}

/** @throws ReflashError `CONFIG_INVALID` for a bad segment count or a size too small for the headers. */
export function buildEspImage(o: EspImageBuildOptions): Uint8Array {
  const chip = chipInfo(o.chip);
  const isApp = o.kind === 'app';
  const count = o.segments ?? (isApp ? 4 : 3);
  const hashAppended = o.hashAppended ?? true;
  const hashLen = hashAppended ? 32 : 0;
  const seed = o.seed ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > ESP_IMAGE_MAX_SEGMENTS) {
    throw new ReflashError('CONFIG_INVALID', `ESP image builder: ${count} segments asked, 1 to ${ESP_IMAGE_MAX_SEGMENTS} possible`, { segments: count });
  }
  const firstMin = isApp ? ESP_APP_DESC_SIZE : ESP_BOOTLOADER_DESC_SIZE;
  const fixed = ESP_IMAGE_HEADER_SIZE + count * ESP_SEGMENT_HEADER_SIZE;
  // The data ends 4 bytes before a 16-byte boundary: 3 zero bytes of padding, then the checksum.
  const minTotal = alignUp(fixed + firstMin + 4 * (count - 1) + 4, 16) + hashLen;
  const total = Math.max(alignUp((o.size ?? (isApp ? 0x10000 : 0x5000)) - hashLen, 16) + hashLen, minTotal);
  const dataBytes = total - hashLen - 4 - fixed;

  // Split the data bytes over the segments: segment 0 gets the descriptor plus an even share.
  const share = Math.floor((dataBytes - firstMin) / count / 4) * 4;
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) lengths.push(i === 0 ? firstMin + share : share);
  lengths[count - 1] += dataBytes - lengths.reduce((a, b) => a + b, 0);

  const header = new Uint8Array(ESP_IMAGE_HEADER_SIZE);
  header[0] = ESP_IMAGE_MAGIC;
  header[1] = count;
  header[2] = 2; // DIO
  header[3] = 0x20 | 0x0f; // 4 MB, 80 MHz (div 1)
  put32(header, 4, loadAddress(o.kind, count - 1) + 4);
  header[8] = 0xee; // WP pin disabled, as the IDF writes it
  put16(header, 12, chip.chipId);
  put16(header, 17, 0xffff);
  header[23] = hashAppended ? 1 : 0;

  const parts: Uint8Array[] = [header];
  let xor = ESP_CHECKSUM_SEED;
  for (let i = 0; i < count; i++) {
    const seg = new Uint8Array(ESP_SEGMENT_HEADER_SIZE + lengths[i]);
    put32(seg, 0, loadAddress(o.kind, i));
    put32(seg, 4, lengths[i]);
    const data = seg.subarray(ESP_SEGMENT_HEADER_SIZE);
    data.set(pseudoRandomBytes(lengths[i], seed * 31 + i + 1));
    if (i === 0) (isApp ? writeAppDescriptor : writeBootloaderDescriptor)(data, o);
    for (let k = 0; k < data.length; k++) xor ^= data[k];
    parts.push(seg);
  }
  const tail = new Uint8Array(4);
  tail[3] = xor;
  parts.push(tail);
  let image = concatBytes(parts);
  if (hashAppended) {
    const h = o.crypto.sha256();
    h.update(image);
    image = concatBytes([image, h.digest()]);
  }
  return image;
}

function writeAppDescriptor(d: Uint8Array, o: EspImageBuildOptions): void {
  d.fill(0, 0, ESP_APP_DESC_SIZE);
  put32(d, 0, ESP_APP_DESC_MAGIC);
  put32(d, 4, o.secureVersion ?? 0);
  putCString(d, 16, 32, String(o.version ?? '1.0.0'));
  putCString(d, 48, 32, o.projectName ?? 'xs-reflasher-test');
  putCString(d, 80, 16, '00:00:00');
  putCString(d, 96, 16, 'Jan  1 2026');
  putCString(d, 112, 32, o.idfVersion ?? 'v6.0');
  d.set(pseudoRandomBytes(32, 0xe1f), 144);
  put16(d, 178, 0xffff);
  d[180] = 16; // 64 KiB MMU pages
}

function writeBootloaderDescriptor(d: Uint8Array, o: EspImageBuildOptions): void {
  d.fill(0, 0, ESP_BOOTLOADER_DESC_SIZE);
  d[0] = ESP_BOOTLOADER_DESC_MAGIC;
  d[3] = o.secureVersion ?? 0;
  put32(d, 4, typeof o.version === 'number' ? o.version : 1);
  putCString(d, 8, 32, o.idfVersion ?? 'v6.0');
  putCString(d, 40, 24, 'Jan  1 2026 00:00:00');
}
