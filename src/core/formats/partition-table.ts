/**
 * ESP-IDF partition table binary (esp_flash_partitions.h, gen_esp32part.py):
 *
 *   entries of 32 bytes `<2sBBLL16sL>`: magic AA 50, type, subtype, offset,
 *   size, label[16] (NUL-padded, may fill all 16), flags (bit 0 encrypted,
 *   bit 1 readonly)
 *   optional MD5 entry: EB EB, 14 x FF, then MD5 of every entry before it
 *   end marker: FF FF FF FF ... (the bootloader only looks at magic, type, subtype)
 *
 * The bootloader reads 0xC00 bytes at the table offset and looks for the end
 * marker within the first 96 entries, so a table holds at most 95 entries
 * counting the MD5 entry; gen_esp32part.py, which writes MD5 by default,
 * stops at 94 partitions.
 */
import type { CryptoPort, Partition } from '../ports';
import { AppSubtype, DataSubtype, PartitionType } from '../ports';
import { type ErrorCode, ReflashError, hex } from '../errors';
import { type Check, pass, warn } from './checks';
import { equalBytes, put32, toHex, u16, u32 } from './bytes';

export const PTABLE_ENTRY_SIZE = 32;
export const PTABLE_MAX_LENGTH = 0xc00;
/** Entries the bootloader scans for the end marker, the marker included. */
export const PTABLE_MAX_ENTRIES = PTABLE_MAX_LENGTH / PTABLE_ENTRY_SIZE;
/** The table owns a whole sector: partitions start at table offset + 0x1000 or later. */
export const PTABLE_SECTOR = 0x1000;
export const PTABLE_MAGIC = 0x50aa;
export const PTABLE_MD5_MAGIC = 0xebeb;
export const OTADATA_SIZE = 0x2000;
/** A read/write NVS partition needs at least 3 sectors (gen_esp32part's NVS_RW_MIN_PARTITION_SIZE). */
export const NVS_RW_MIN_SIZE = 0x3000;
export const APP_ALIGN = 0x10000;
export const DATA_ALIGN = 0x1000;

export const FLAG_ENCRYPTED = 1;
export const FLAG_READONLY = 2;

/** Names of types and subtypes as gen_esp32part.py spells them in CSV. */
export const TYPE_NAMES: Record<string, number> = { app: 0x00, data: 0x01, bootloader: 0x02, partition_table: 0x03 };
export const SUBTYPE_NAMES: Record<number, Record<string, number>> = {
  0x00: (() => {
    const m: Record<string, number> = { factory: 0x00, test: 0x20 };
    for (let i = 0; i < 16; i++) m['ota_' + i] = 0x10 + i;
    m.tee_0 = 0x30;
    m.tee_1 = 0x31;
    return m;
  })(),
  0x01: {
    ota: 0x00, phy: 0x01, nvs: 0x02, coredump: 0x03, nvs_keys: 0x04, efuse: 0x05, undefined: 0x06,
    esphttpd: 0x80, fat: 0x81, spiffs: 0x82, littlefs: 0x83, tee_ota: 0x90,
  },
  0x02: { primary: 0x00, ota: 0x01, recovery: 0x02 },
  0x03: { primary: 0x00, ota: 0x01 },
};

export interface PartitionTableOptions {
  crypto: CryptoPort;
  /** Flash size in bytes; partitions must lie inside it. */
  flashSize?: number;
  /** Where the table lives (0x8000 by default); partitions start at or after this + 0x1000. */
  tableOffset?: number;
  /** Refuse a table without an MD5 entry. */
  requireMd5?: boolean;
  /**
   * Apply only what the bootloader's esp_partition_table_verify() checks
   * (magic, MD5, end marker, each entry inside the flash), to model what
   * boots; by default gen_esp32part's layout rules apply too.
   */
  bootloaderRules?: boolean;
}

export interface PartitionTableInfo {
  format: 'partition-table';
  entries: Partition[];
  /** Index (in 32-byte entries) of the MD5 entry, or -1. */
  md5Index: number;
  md5: { stored: string; computed: string } | undefined;
  /** Bytes up to and including the end marker. */
  length: number;
  checks: Check[];
}

function fail(checks: Check[], id: string, code: ErrorCode, message: string, details?: Record<string, number | string | boolean>): never {
  checks.push({ id, ok: false, level: 'error', message });
  throw new ReflashError(code, message, details);
}

export function typeName(type: number): string {
  for (const k in TYPE_NAMES) if (TYPE_NAMES[k] === type) return k;
  return hex(type, 2);
}

export function subtypeName(type: number, subtype: number): string {
  const names = SUBTYPE_NAMES[type];
  if (names) for (const k in names) if (names[k] === subtype) return k;
  return hex(subtype, 2);
}

function decodeLabel(b: Uint8Array, o: number): { label: string; ascii: boolean } {
  let label = '';
  let ascii = true;
  for (let i = 0; i < 16; i++) {
    const c = b[o + i];
    if (c === 0) break;
    if (c < 0x20 || c > 0x7e) ascii = false;
    label += String.fromCharCode(c);
  }
  return { label, ascii };
}

/**
 * Parses and validates a partition table binary (0xC00 bytes as the bootloader
 * reads them, a whole 4 KiB sector, or a file of gen_esp32part's output).
 * @throws ReflashError `PTABLE_*` at the first failed check.
 */
export function parsePartitionTable(bytes: Uint8Array, opts: PartitionTableOptions): PartitionTableInfo {
  const checks: Check[] = [];
  const entries: Partition[] = [];
  let md5Index = -1;
  let md5: PartitionTableInfo['md5'];
  let end = -1;
  const limit = Math.min(PTABLE_MAX_ENTRIES, Math.floor(bytes.length / PTABLE_ENTRY_SIZE));
  for (let i = 0; i < limit; i++) {
    const o = i * PTABLE_ENTRY_SIZE;
    const magic = u16(bytes, o);
    if (magic === PTABLE_MAGIC) {
      const { label, ascii } = decodeLabel(bytes, o + 12);
      if (!ascii) fail(checks, 'label', 'PTABLE_LABEL', `partition entry ${i} label is not printable ASCII: the table is corrupt`, { entry: i });
      const flags = u32(bytes, o + 28);
      if ((flags & ~(FLAG_ENCRYPTED | FLAG_READONLY)) !== 0) checks.push(warn('flags', `partition "${label}" has unknown flag bits ${hex(flags)} (newer format?); they are ignored`));
      entries.push({
        label, type: bytes[o + 2], subtype: bytes[o + 3], address: u32(bytes, o + 4), size: u32(bytes, o + 8),
        encrypted: (flags & FLAG_ENCRYPTED) !== 0, readonly: (flags & FLAG_READONLY) !== 0,
      });
    } else if (magic === PTABLE_MD5_MAGIC) {
      if (md5Index >= 0) fail(checks, 'md5', 'PTABLE_MD5', `partition table has a second MD5 entry at entry ${i} (first at ${md5Index}); ESP-IDF allows one: regenerate the table`, { entry: i });
      const computed = opts.crypto.md5(bytes.subarray(0, o));
      const stored = bytes.slice(o + 16, o + 32);
      md5 = { stored: toHex(stored), computed: toHex(computed) };
      if (!equalBytes(stored, computed)) fail(checks, 'md5', 'PTABLE_MD5', `partition table MD5 at entry ${i}: stored ${md5.stored}, computed ${md5.computed}: the table is corrupt; regenerate it with gen_esp32part.py or reflasher partitions`, md5);
      checks.push(pass('md5', `MD5 ${md5.stored} matches entries 0-${i - 1}`));
      md5Index = i;
    } else if (magic === 0xffff && bytes[o + 2] === 0xff && bytes[o + 3] === 0xff) {
      if (i === 0) fail(checks, 'entries', 'PTABLE_EMPTY', `partition table at entry 0 is the end marker (erased flash?): write a partition table`, {});
      end = i;
      break;
    } else {
      fail(checks, 'magic', 'PTABLE_BAD_MAGIC', `partition table entry ${i} (byte ${hex(o, 4)}) has magic ${hex(magic, 4)}; expected 0x50aa (entry), 0xebeb (MD5) or 0xffff (end): the table is corrupt or absent`, { entry: i, magic });
    }
  }
  if (end < 0) {
    if (limit === PTABLE_MAX_ENTRIES) fail(checks, 'entries', 'PTABLE_TOO_MANY', `partition table has no end marker within ${PTABLE_MAX_ENTRIES} entries; ESP-IDF allows at most ${PTABLE_MAX_ENTRIES - 1} entries including the MD5 entry: remove partitions`, { max: PTABLE_MAX_ENTRIES - 1 });
    fail(checks, 'entries', 'PTABLE_NO_END', `partition table of ${bytes.length} bytes has no end marker: the file is truncated`, { length: bytes.length });
  }
  if (md5Index < 0) {
    if (opts.requireMd5) fail(checks, 'md5', 'PTABLE_MD5', 'partition table has no MD5 entry and one is required: regenerate it with MD5', {});
    checks.push(warn('md5', 'partition table has no MD5 entry: corruption would go unnoticed'));
  }
  checks.push(pass('entries', `${entries.length} partitions, end marker at entry ${end}`));
  if (opts.bootloaderRules) {
    const flash = opts.flashSize;
    for (const p of entries) {
      if (flash !== undefined && (p.address > flash || p.size > flash - p.address)) {
        fail(checks, 'bounds', 'PTABLE_BOUNDS', `partition "${p.label}" ${hex(p.address)}+${hex(p.size)} exceeds the flash size ${hex(flash)}`, { address: p.address, size: p.size, flashSize: flash });
      }
    }
  } else {
    validatePartitions(entries, { ...opts, checks });
  }
  return { format: 'partition-table', entries, md5Index, md5, length: (end + 1) * PTABLE_ENTRY_SIZE, checks };
}

function isPrimaryBootChainEntry(p: Partition): boolean {
  return (p.type === PartitionType.bootloader || p.type === PartitionType.partitionTable) && p.subtype === 0x00;
}

/**
 * The rules gen_esp32part.py's verify() applies, plus the bootloader's bounds
 * check: alignment, overlaps, inside the flash, unique labels, one otadata of
 * 0x2000 bytes, flags allowed for the kind, known types and subtypes.
 * @throws ReflashError `PTABLE_*` at the first failed check.
 */
export function validatePartitions(entries: Partition[], opts: { flashSize?: number; tableOffset?: number; checks?: Check[] }): Check[] {
  const checks = opts.checks ?? [];
  const tableOffset = opts.tableOffset ?? 0x8000;
  const firstFree = tableOffset + PTABLE_SECTOR;
  const names = new Map<string, number>();
  let otadata = 0;
  for (const p of entries) {
    const name = `partition "${p.label}"`;
    if (p.label.length === 0 || p.label.length > 16) fail(checks, 'label', 'PTABLE_LABEL', `${name} label must be 1 to 16 characters, has ${p.label.length}`, { label: p.label });
    if (names.has(p.label)) fail(checks, 'names', 'PTABLE_DUPLICATE_NAME', `two partitions are labelled "${p.label}": labels must be unique; rename one`, { label: p.label });
    names.set(p.label, 1);
    if (p.type >= 0x04 && p.type < 0x40) fail(checks, 'type', 'PTABLE_TYPE', `${name} has reserved type ${hex(p.type, 2)}: use app, data, bootloader, partition_table or a custom type 0x40-0xfe`, { type: p.type });
    if (p.type === 0xff) fail(checks, 'type', 'PTABLE_TYPE', `${name} has type 0xff, which marks the end of the table`, { type: p.type });
    checkSubtype(p, checks);
    const align = p.type === PartitionType.app ? APP_ALIGN : DATA_ALIGN;
    if (p.address % align !== 0) fail(checks, 'align', 'PTABLE_ALIGN', `${name} offset ${hex(p.address)} is not a multiple of ${hex(align)} (${p.type === PartitionType.app ? 'apps are 64 KiB' : 'data is 4 KiB'} aligned): move it to ${hex(Math.ceil(p.address / align) * align)}`, { address: p.address, align });
    if (p.type === PartitionType.app && p.size % DATA_ALIGN !== 0) fail(checks, 'align', 'PTABLE_ALIGN', `${name} size ${hex(p.size)} is not a multiple of 0x1000: round it up`, { size: p.size });
    if (p.size === 0) fail(checks, 'bounds', 'PTABLE_BOUNDS', `${name} has size 0: give it a size`, { address: p.address });
    if (opts.flashSize !== undefined && (p.address > opts.flashSize || p.size > opts.flashSize - p.address)) {
      fail(checks, 'bounds', 'PTABLE_BOUNDS', `${name} ${hex(p.address)}+${hex(p.size)} ends past the ${opts.flashSize / 0x100000} MiB flash (${hex(opts.flashSize)}): shrink or move it, or target a larger flash`, { address: p.address, size: p.size, flashSize: opts.flashSize });
    }
    if (!isPrimaryBootChainEntry(p) && p.address < firstFree) fail(checks, 'bounds', 'PTABLE_BOUNDS', `${name} at ${hex(p.address)} is below ${hex(firstFree)}, the end of the partition table sector: move it to ${hex(firstFree)} or later`, { address: p.address });
    if (p.type === PartitionType.data && p.subtype === DataSubtype.ota) {
      otadata++;
      if (p.size !== OTADATA_SIZE) fail(checks, 'otadata', 'PTABLE_OTADATA', `otadata ${name} is ${hex(p.size)} bytes; it must be 0x2000 (two sectors)`, { size: p.size });
    }
    if (p.type === PartitionType.data && (p.subtype === DataSubtype.ota || p.subtype === DataSubtype.coredump) && p.readonly) {
      fail(checks, 'flags', 'PTABLE_FLAGS', `${name} (${subtypeName(p.type, p.subtype)}) is always read-write; drop its readonly flag`, {});
    }
    if (p.type === PartitionType.data && p.subtype === DataSubtype.nvs && p.size < NVS_RW_MIN_SIZE && !p.readonly) {
      fail(checks, 'flags', 'PTABLE_FLAGS', `NVS ${name} of ${hex(p.size)} bytes must be flagged readonly (read/write NVS needs at least 0x3000)`, { size: p.size });
    }
  }
  if (otadata > 1) fail(checks, 'otadata', 'PTABLE_OTADATA', `${otadata} otadata partitions (data/ota); ESP-IDF allows one`, { count: otadata });
  const sorted = entries.slice().sort((a, b) => a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (b.address < a.address + a.size) {
      fail(checks, 'overlap', 'PTABLE_OVERLAP', `partition "${b.label}" at ${hex(b.address)} overlaps "${a.label}" ${hex(a.address)}-${hex(a.address + a.size - 1)}: move one`, { a: a.label, b: b.label });
    }
  }
  checks.push(pass('layout', `${entries.length} partitions aligned, inside ${opts.flashSize !== undefined ? hex(opts.flashSize) : 'the flash (size not given)'}, no overlap`));
  return checks;
}

function checkSubtype(p: Partition, checks: Check[]): void {
  if (p.type === PartitionType.app) {
    const ok = p.subtype === AppSubtype.factory || (p.subtype >= AppSubtype.ota0 && p.subtype <= AppSubtype.ota15) || p.subtype === AppSubtype.test || p.subtype === 0x30 || p.subtype === 0x31;
    if (!ok) fail(checks, 'subtype', 'PTABLE_SUBTYPE', `app partition "${p.label}" has subtype ${hex(p.subtype, 2)}; the bootloader knows factory 0x00, ota_0..ota_15 0x10-0x1f, test 0x20, tee 0x30-0x31`, { subtype: p.subtype });
  } else if (p.type === PartitionType.bootloader || p.type === PartitionType.partitionTable) {
    if (subtypeName(p.type, p.subtype).startsWith('0x')) fail(checks, 'subtype', 'PTABLE_SUBTYPE', `${typeName(p.type)} partition "${p.label}" has unknown subtype ${hex(p.subtype, 2)}`, { subtype: p.subtype });
  } else if (p.type === PartitionType.data && subtypeName(p.type, p.subtype).startsWith('0x')) {
    // Custom data subtypes are legal (esp_partition_find takes any); say so, do not refuse.
    checks.push(warn('subtype', `data partition "${p.label}" has custom subtype ${hex(p.subtype, 2)}`));
  }
}

/**
 * Writes entries as gen_esp32part.py does: entries, the MD5 entry (unless
 * `md5: false`), then 0xFF up to 0xC00 bytes.
 * @throws ReflashError `PTABLE_TOO_MANY` when the entries do not fit, `PTABLE_LABEL` for a label over 16 bytes.
 */
export function buildPartitionTable(entries: Partition[], opts: { crypto: CryptoPort; md5?: boolean }): Uint8Array {
  const withMd5 = opts.md5 !== false;
  const used = (entries.length + (withMd5 ? 1 : 0)) * PTABLE_ENTRY_SIZE;
  // gen_esp32part: the data must stay below 0xC00 so at least one end-marker entry follows.
  if (used >= PTABLE_MAX_LENGTH) {
    throw new ReflashError('PTABLE_TOO_MANY', `${entries.length} partitions${withMd5 ? ' plus the MD5 entry' : ''} take ${used} bytes; a table holds less than ${PTABLE_MAX_LENGTH}: at most ${PTABLE_MAX_ENTRIES - 1 - (withMd5 ? 1 : 0)} partitions`, { count: entries.length });
  }
  const out = new Uint8Array(PTABLE_MAX_LENGTH).fill(0xff);
  entries.forEach((p, i) => {
    const o = i * PTABLE_ENTRY_SIZE;
    if (p.label.length > 16) throw new ReflashError('PTABLE_LABEL', `partition label "${p.label}" is ${p.label.length} characters; at most 16`, { label: p.label });
    out[o] = 0xaa;
    out[o + 1] = 0x50;
    out[o + 2] = p.type;
    out[o + 3] = p.subtype;
    put32(out, o + 4, p.address);
    put32(out, o + 8, p.size);
    out.fill(0, o + 12, o + 28);
    for (let k = 0; k < p.label.length; k++) out[o + 12 + k] = p.label.charCodeAt(k) & 0xff;
    put32(out, o + 28, (p.encrypted ? FLAG_ENCRYPTED : 0) | (p.readonly ? FLAG_READONLY : 0));
  });
  if (withMd5) {
    const o = entries.length * PTABLE_ENTRY_SIZE;
    out[o] = 0xeb;
    out[o + 1] = 0xeb;
    out.set(opts.crypto.md5(out.subarray(0, o)), o + 16);
  }
  return out;
}

/** The app partitions the bootloader can pick, by OTA index (ota_N at [N]). */
export function otaSlots(entries: Partition[]): Array<Partition | undefined> {
  const slots: Array<Partition | undefined> = [];
  for (const p of entries) if (p.type === PartitionType.app && p.subtype >= AppSubtype.ota0 && p.subtype <= AppSubtype.ota15) slots[p.subtype - AppSubtype.ota0] = p;
  return slots;
}
