/**
 * The otadata partition (esp_flash_partitions.h, bootloader_common_loader.c):
 * two 4 KiB sectors, each starting with esp_ota_select_entry_t
 *
 *   u32 ota_seq; u8 seq_label[20]; u32 ota_state; u32 crc
 *
 * crc = esp_rom_crc32_le(UINT32_MAX, &ota_seq, 4). The ROM function inverts
 * its argument on entry and its result on exit, so this is the reflected
 * CRC-32 (poly 0xEDB88320) with internal start value 0 and final XOR
 * 0xFFFFFFFF: zlib's crc32(bytes, 0xFFFFFFFF), not plain crc32(bytes).
 *
 * A copy is valid when ota_seq != 0xFFFFFFFF, ota_state is neither INVALID
 * (3) nor ABORTED (4), and the crc matches. Of two valid copies the higher
 * ota_seq wins; the slot is (ota_seq - 1) % (number of ota_N partitions).
 */
import { ReflashError, hex } from '../errors';
import { type Check, pass, warn } from './checks';
import { put32, toHex, u32 } from './bytes';
import { OTADATA_SIZE } from './partition-table';

export const OTADATA_SECTOR = 0x1000;
export const OTA_SELECT_ENTRY_SIZE = 32;

/** esp_ota_img_states_t (on flash: never renumber). */
export const OtaState = { new: 0, pendingVerify: 1, valid: 2, invalid: 3, aborted: 4, undefined: 0xffffffff } as const;

let table: Uint32Array | undefined;

/** esp_rom_crc32_le(crc, buf, len). */
export function espCrc32Le(crc: number, bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = (table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)) >>> 0;
  return ~c >>> 0;
}

/** bootloader_common_ota_select_crc(): the crc an entry with this ota_seq must carry. */
export function otaSelectCrc(seq: number): number {
  const b = new Uint8Array(4);
  put32(b, 0, seq);
  return espCrc32Le(0xffffffff, b);
}

export interface OtaSelectEntry {
  seq: number;
  /** seq_label, hex: unused by the bootloader. */
  label: string;
  state: number;
  stateName: string;
  crc: number;
  crcOk: boolean;
  /** bootloader_common_ota_select_valid(). */
  valid: boolean;
}

export interface OtadataInfo {
  format: 'otadata';
  entries: [OtaSelectEntry, OtaSelectEntry];
  /** Which copy the bootloader uses (bootloader_common_get_active_otadata), or -1. */
  active: number;
  /** Both copies are blank or unusable: the bootloader falls back to factory, else ota_0. */
  blank: boolean;
  checks: Check[];
}

function stateName(s: number): string {
  for (const k in OtaState) if ((OtaState as Record<string, number>)[k] === s) return k;
  return hex(s);
}

function parseEntry(b: Uint8Array, o: number): OtaSelectEntry {
  const seq = u32(b, o);
  const state = u32(b, o + 24);
  const crc = u32(b, o + 28);
  const crcOk = crc === otaSelectCrc(seq);
  const invalid = seq === 0xffffffff || state === OtaState.invalid || state === OtaState.aborted;
  return { seq, label: toHex(b.subarray(o + 4, o + 24)), state, stateName: stateName(state), crc, crcOk, valid: !invalid && crcOk };
}

/**
 * Parses the two copies. Corrupt copies are not an error (the bootloader
 * survives them); they show in `checks` and `active`.
 * @param bytes the 0x2000 bytes of the otadata partition
 * @throws ReflashError `OTADATA_SIZE` when fewer than 0x1000 + 32 bytes are given.
 */
export function parseOtadata(bytes: Uint8Array): OtadataInfo {
  if (bytes.length < OTADATA_SECTOR + OTA_SELECT_ENTRY_SIZE) {
    throw new ReflashError('OTADATA_SIZE', `otadata of ${bytes.length} bytes; it is two 4 KiB sectors (${hex(OTADATA_SIZE)} bytes)`, { length: bytes.length });
  }
  const e0 = parseEntry(bytes, 0);
  const e1 = parseEntry(bytes, OTADATA_SECTOR);
  const checks: Check[] = [];
  [e0, e1].forEach((e, i) => {
    if (e.seq === 0xffffffff) checks.push(pass(`copy${i}`, `copy ${i} is blank`));
    else if (!e.crcOk) checks.push(warn(`copy${i}`, `copy ${i}: seq ${e.seq}, crc ${hex(e.crc)} should be ${hex(otaSelectCrc(e.seq))}: ignored by the bootloader`));
    else if (!e.valid) checks.push(warn(`copy${i}`, `copy ${i}: seq ${e.seq} in state ${e.stateName}: not bootable`));
    else checks.push(pass(`copy${i}`, `copy ${i}: seq ${e.seq}, state ${e.stateName}, crc ok`));
  });
  let active = -1;
  if (e0.valid && e1.valid) active = e0.seq >= e1.seq ? 0 : 1; // MAX(seq); a tie picks copy 0
  else if (e0.valid) active = 0;
  else if (e1.valid) active = 1;
  const isInvalid = (e: OtaSelectEntry) => e.seq === 0xffffffff || e.state === OtaState.invalid || e.state === OtaState.aborted;
  return { format: 'otadata', entries: [e0, e1], active, blank: isInvalid(e0) && isInvalid(e1), checks };
}

/** The OTA slot index the active copy selects, or undefined when no copy is active. */
export function otadataSlot(info: OtadataInfo, otaAppCount: number): number | undefined {
  if (info.active < 0 || otaAppCount === 0) return undefined;
  return ((info.entries[info.active].seq - 1) >>> 0) % otaAppCount;
}

/**
 * Builds otadata that makes the bootloader boot OTA slot `slot` (what
 * esp_ota_set_boot_partition would leave after a fresh erase): copy 0 holds
 * seq = slot + 1 (or `seq` when given), copy 1 is erased.
 */
export function buildOtadata(o: { slot?: number; seq?: number; state?: number; copy?: 0 | 1 }): Uint8Array {
  const out = new Uint8Array(OTADATA_SIZE).fill(0xff);
  const seq = o.seq ?? (o.slot ?? 0) + 1;
  const at = (o.copy ?? 0) * OTADATA_SECTOR;
  put32(out, at, seq);
  out.fill(0xff, at + 4, at + 24);
  put32(out, at + 24, o.state ?? OtaState.undefined);
  put32(out, at + 28, otaSelectCrc(seq));
  return out;
}

