/**
 * MCUboot image format (boot/bootutil/include/bootutil/image.h):
 *
 *   0        image_header (32 bytes): u32 ih_magic 0x96F3B83D, u32 ih_load_addr,
 *            u16 ih_hdr_size, u16 ih_protect_tlv_size, u32 ih_img_size,
 *            u32 ih_flags, image_version {u8 major, u8 minor, u16 revision,
 *            u32 build_num}, u32 pad
 *   hdr_size body of ih_img_size bytes
 *   +img     protected TLV area when ih_protect_tlv_size != 0: info
 *            {u16 0x6908, u16 it_tlv_tot == ih_protect_tlv_size}, then TLVs
 *   then     TLV area: info {u16 0x6907, u16 it_tlv_tot (info included)},
 *            TLVs {u16 type, u16 len, data}
 *
 * The SHA-256 TLV (type 0x10) covers header, body and protected TLVs
 * (bootutil_img_hash). Signatures are not checked here (no MCUboot keys).
 */
import type { CryptoPort } from '../ports';
import { type ErrorCode, ReflashError, hex } from '../errors';
import { type Check, pass } from './checks';
import { type ReadFn, arrayReader, concatBytes, equalBytes, pseudoRandomBytes, put16, put32, toHex, u16, u32 } from './bytes';

export const MCUBOOT_MAGIC = 0x96f3b83d;
export const MCUBOOT_MAGIC_V1 = 0x96f3b83c;
export const MCUBOOT_HEADER_SIZE = 32;
export const TLV_INFO_MAGIC = 0x6907;
export const TLV_PROT_INFO_MAGIC = 0x6908;
export const TLV_SHA256 = 0x10;

export const McubootFlags = {
  pic: 0x01, encryptedAes128: 0x04, encryptedAes256: 0x08, nonBootable: 0x10, ramLoad: 0x20, romFixed: 0x100,
  compressedLzma1: 0x200, compressedLzma2: 0x400,
} as const;

export interface McubootTlv {
  type: number;
  length: number;
  /** Offset of the TLV's data in the image. */
  offset: number;
  protected: boolean;
}

export interface McubootImageInfo {
  format: 'mcuboot';
  header: {
    magic: number;
    loadAddr: number;
    hdrSize: number;
    protectTlvSize: number;
    imgSize: number;
    flags: number;
    version: string;
  };
  tlvs: McubootTlv[];
  sha256: { stored: string; computed: string };
  /** Header, body and both TLV areas. */
  length: number;
  checks: Check[];
}

export interface McubootOptions {
  crypto: CryptoPort;
  /** Bytes of the slot the image goes to (minus any trailer the caller reserves). */
  slotSize?: number;
}

function fail(checks: Check[], id: string, code: ErrorCode, message: string, details?: Record<string, number | string | boolean>): never {
  checks.push({ id, ok: false, level: 'error', message });
  throw new ReflashError(code, message, details);
}

/**
 * Verifies the MCUboot image whose bytes `read` returns.
 * @param size bytes readable from offset 0
 * @throws ReflashError `MCUBOOT_*`, `IMAGE_TRUNCATED` or `IMAGE_TOO_BIG_FOR_REGION` at the first failed check.
 */
export function verifyMcubootImage(read: ReadFn, size: number, opts: McubootOptions): McubootImageInfo {
  const checks: Check[] = [];
  if (size < MCUBOOT_HEADER_SIZE) fail(checks, 'length', 'IMAGE_TRUNCATED', `MCUboot image of ${size} bytes is shorter than its 32-byte header`, { size });
  const h = new Uint8Array(MCUBOOT_HEADER_SIZE);
  read(0, h);
  const magic = u32(h, 0);
  if (magic !== MCUBOOT_MAGIC) {
    fail(checks, 'magic', 'MCUBOOT_BAD_MAGIC', `MCUboot magic: expected 0x96f3b83d, saw ${hex(magic)}${magic === MCUBOOT_MAGIC_V1 ? ' (the obsolete v1 format)' : ''}: sign the image with imgtool`, { magic });
  }
  checks.push(pass('magic', 'magic 0x96f3b83d'));
  const header = {
    magic, loadAddr: u32(h, 4), hdrSize: u16(h, 8), protectTlvSize: u16(h, 10), imgSize: u32(h, 12), flags: u32(h, 16),
    version: `${h[20]}.${h[21]}.${u16(h, 22)}+${u32(h, 24)}`,
  };
  if (header.hdrSize < MCUBOOT_HEADER_SIZE) fail(checks, 'header', 'MCUBOOT_HEADER', `MCUboot ih_hdr_size ${header.hdrSize} is below the 32-byte header: the header is corrupt`, { hdrSize: header.hdrSize });
  if (header.protectTlvSize !== 0 && header.protectTlvSize < 4) fail(checks, 'header', 'MCUBOOT_HEADER', `MCUboot ih_protect_tlv_size ${header.protectTlvSize} is smaller than its own 4-byte info`, {});
  const tlvOff = header.hdrSize + header.imgSize;
  const need = (end: number, what: string) => {
    if (opts.slotSize !== undefined && end > opts.slotSize) fail(checks, 'slot', 'IMAGE_TOO_BIG_FOR_REGION', `MCUboot ${what} reaches byte ${end}, past the ${opts.slotSize}-byte slot (${hex(opts.slotSize)}): build a smaller image or use a larger slot`, { end, slotSize: opts.slotSize });
    if (end > size) fail(checks, 'length', 'IMAGE_TRUNCATED', `MCUboot ${what} reaches byte ${end} but only ${size} bytes are there: the image is cut short`, { end, size });
  };
  need(tlvOff + header.protectTlvSize + 4, 'body and TLV info');
  const info = new Uint8Array(4);
  const tlvs: McubootTlv[] = [];
  let off = tlvOff;
  const readTlvs = (start: number, end: number, prot: boolean) => {
    const t = new Uint8Array(4);
    for (let o = start; o < end; ) {
      if (end - o < 4) fail(checks, 'tlv', 'MCUBOOT_TLV', `MCUboot TLV at ${hex(o)} is cut by the end of its area at ${hex(end)}`, { offset: o });
      read(o, t);
      const type = u16(t, 0);
      const length = u16(t, 2);
      if (length > end - o - 4) fail(checks, 'tlv', 'MCUBOOT_TLV', `MCUboot TLV type ${hex(type, 4)} at ${hex(o)} of ${length} bytes runs past its area's end at ${hex(end)}`, { offset: o, type, length });
      tlvs.push({ type, length, offset: o + 4, protected: prot });
      o += 4 + length;
    }
  };
  if (header.protectTlvSize !== 0) {
    read(off, info);
    if (u16(info, 0) !== TLV_PROT_INFO_MAGIC || u16(info, 2) !== header.protectTlvSize) {
      fail(checks, 'tlv', 'MCUBOOT_TLV', `MCUboot protected TLV info at ${hex(off)}: magic ${hex(u16(info, 0), 4)} size ${u16(info, 2)}, expected 0x6908 and ${header.protectTlvSize}: the image is corrupt`, { offset: off });
    }
    readTlvs(off + 4, off + header.protectTlvSize, true);
    off += header.protectTlvSize;
  }
  read(off, info);
  const total = u16(info, 2);
  if (u16(info, 0) !== TLV_INFO_MAGIC || total < 4) {
    fail(checks, 'tlv', 'MCUBOOT_TLV', `MCUboot TLV info at ${hex(off)}: magic ${hex(u16(info, 0), 4)} size ${total}, expected 0x6907 and at least 4: the image is unsigned or corrupt; sign it with imgtool`, { offset: off });
  }
  need(off + total, 'TLV area');
  readTlvs(off + 4, off + total, false);
  const length = off + total;
  checks.push(pass('tlv', `${tlvs.length} TLVs, image ends at ${length}`));

  const shaTlv = tlvs.find((t) => t.type === TLV_SHA256 && !t.protected);
  if (!shaTlv || shaTlv.length !== 32) fail(checks, 'sha256', 'MCUBOOT_HASH', 'MCUboot image has no 32-byte SHA-256 TLV (0x10): sign it with imgtool', {});
  const stored = new Uint8Array(32);
  read(shaTlv.offset, stored);
  const sha = opts.crypto.sha256();
  const piece = new Uint8Array(4096);
  const hashed = tlvOff + header.protectTlvSize;
  for (let o = 0; o < hashed; o += piece.length) {
    const part = hashed - o >= piece.length ? piece : piece.subarray(0, hashed - o);
    read(o, part);
    sha.update(part);
  }
  const computed = sha.digest();
  const sha256 = { stored: toHex(stored), computed: toHex(computed) };
  if (!equalBytes(stored, computed)) fail(checks, 'sha256', 'MCUBOOT_HASH', `MCUboot SHA-256 TLV ${sha256.stored} differs from the computed ${sha256.computed}: the image is corrupt`, sha256);
  checks.push(pass('sha256', `SHA-256 ${sha256.stored}`));
  if (opts.slotSize !== undefined) checks.push(pass('slot', `${length} bytes fit the ${opts.slotSize}-byte slot`));
  return { format: 'mcuboot', header, tlvs, sha256, length, checks };
}

export function inspectMcubootImage(bytes: Uint8Array, opts: McubootOptions): McubootImageInfo {
  return verifyMcubootImage(arrayReader(bytes), bytes.length, opts);
}

export interface McubootBuildOptions {
  crypto: CryptoPort;
  /** Body bytes (after the header); default 32 KiB. */
  bodySize?: number;
  seed?: number;
  /** Header size, padded with zeros (imgtool's --header-size); default 0x20. */
  hdrSize?: number;
  version?: [number, number, number, number];
  loadAddr?: number;
  /** Add a protected TLV area holding a security counter TLV (0x50). */
  protectedTlvs?: boolean;
}

/** An MCUboot image with a SHA-256 TLV and pseudo-random body, for tests and the demo. */
export function buildMcubootImage(o: McubootBuildOptions): Uint8Array {
  const hdrSize = o.hdrSize ?? MCUBOOT_HEADER_SIZE;
  const bodySize = o.bodySize ?? 0x8000;
  const [major, minor, rev, build] = o.version ?? [1, 0, 0, 0];
  const head = new Uint8Array(hdrSize);
  put32(head, 0, MCUBOOT_MAGIC);
  put32(head, 4, o.loadAddr ?? 0);
  put16(head, 8, hdrSize);
  const prot = o.protectedTlvs ? new Uint8Array(4 + 4 + 4) : new Uint8Array(0);
  if (o.protectedTlvs) {
    put16(prot, 0, TLV_PROT_INFO_MAGIC);
    put16(prot, 2, prot.length);
    put16(prot, 4, 0x50);
    put16(prot, 6, 4);
    put32(prot, 8, build);
  }
  put16(head, 10, prot.length);
  put32(head, 12, bodySize);
  head[20] = major;
  head[21] = minor;
  put16(head, 22, rev);
  put32(head, 24, build);
  const body = pseudoRandomBytes(bodySize, o.seed ?? 7);
  const sha = o.crypto.sha256();
  sha.update(head);
  sha.update(body);
  sha.update(prot);
  const tlv = new Uint8Array(4 + 4 + 32);
  put16(tlv, 0, TLV_INFO_MAGIC);
  put16(tlv, 2, tlv.length);
  put16(tlv, 4, TLV_SHA256);
  put16(tlv, 6, 32);
  tlv.set(sha.digest(), 8);
  return concatBytes([head, body, prot, tlv]);
}
