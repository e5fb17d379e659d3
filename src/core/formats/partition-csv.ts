/**
 * gen_esp32part.py's CSV form of a partition table, both ways.
 *
 * Reading follows its rules: `#` comments and blank lines skipped; missing
 * trailing fields empty; type and subtype as names or integers; integers as
 * Python's int(x, 0) reads them, with K/M suffixes (x1024, x1048576); an empty
 * offset is assigned after the previous partition's end, starting at table
 * offset + 0x1000, aligned up to 0x10000 for apps and 0x1000 otherwise; a
 * negative size means "up to that address"; flags `encrypted`, `readonly`
 * separated by `:`. Primary bootloader and partition-table rows get their
 * fixed offsets and sizes and take no part in the offset assignment.
 */
import type { Partition } from '../ports';
import { PartitionType } from '../ports';
import { ReflashError, hex } from '../errors';
import { APP_ALIGN, DATA_ALIGN, PTABLE_SECTOR, SUBTYPE_NAMES, TYPE_NAMES, subtypeName, typeName } from './partition-table';

export interface CsvOptions {
  /** 0x8000 by default. */
  tableOffset?: number;
  /** Needed only when the CSV has a bootloader row (gen_esp32part's --primary-bootloader-offset). */
  bootloaderOffset?: number;
}

function csvError(line: number, message: string): never {
  throw new ReflashError('PTABLE_CSV', `partition CSV line ${line}: ${message}`, { line });
}

/** Python int(v, 0) with gen_esp32part's k/m suffixes; undefined when not a number. */
export function parseCsvInt(v: string): number | undefined {
  const lower = v.toLowerCase();
  if (lower.endsWith('k') || lower.endsWith('m')) {
    const n = parseCsvInt(v.slice(0, -1));
    return n === undefined ? undefined : n * (lower.endsWith('k') ? 1024 : 1024 * 1024);
  }
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0+)$/.exec(v);
  if (!m || /__|_$/.test(m[2])) return undefined;
  const digits = m[2].replace(/_/g, '');
  let n: number;
  const p = digits.slice(0, 2).toLowerCase();
  if (p === '0x') n = parseInt(digits.slice(2), 16);
  else if (p === '0o') n = parseInt(digits.slice(2), 8);
  else if (p === '0b') n = parseInt(digits.slice(2), 2);
  else n = parseInt(digits, 10);
  return m[1] === '-' ? -n : n;
}

function parseKeyword(v: string, keywords: Record<string, number>, line: number, what: string): number {
  const n = parseCsvInt(v);
  if (n !== undefined) return n;
  const k = keywords[v.toLowerCase()];
  if (k === undefined) csvError(line, `${what} "${v}" is not valid; known: ${Object.keys(keywords).join(', ')}`);
  return k;
}

interface Row { p: Partition; line: number; offsetGiven: boolean; negativeSize: boolean }

/**
 * Reads a gen_esp32part CSV into entries with every offset assigned. It does
 * not validate the layout: pass the result to `validatePartitions` (the CLI
 * and `buildPartitionTable` users do).
 * @throws ReflashError `PTABLE_CSV` with the line number for any unparsable field or an offset that goes backwards.
 */
export function parsePartitionCsv(text: string, opts: CsvOptions = {}): Partition[] {
  const tableOffset = opts.tableOffset ?? 0x8000;
  const rows: Row[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = i + 1;
    if (line.length === 0 || line.startsWith('#')) return;
    if (/(^|[^\\])\$[A-Za-z_]/.test(line)) csvError(lineNo, 'environment variables ($NAME) are not expanded here: substitute them first');
    const f = (line + ',,,,').split(',').map((s) => s.trim());
    const label = f[0];
    if (f[1] === '') csvError(lineNo, "field 'type' can't be left empty");
    const type = parseKeyword(f[1], TYPE_NAMES, lineNo, 'type');
    if (type < 0 || type > 0xfe) csvError(lineNo, `type ${type} is outside 0x00-0xfe`);
    let subtype: number;
    if (f[2] === '') {
      if (type === PartitionType.app) csvError(lineNo, 'app partition cannot have an empty subtype');
      subtype = 0x06; // gen_esp32part: data "undefined"
    } else subtype = parseKeyword(f[2], SUBTYPE_NAMES[type] ?? {}, lineNo, 'subtype');
    if (subtype < 0 || subtype > 0xfe) csvError(lineNo, `subtype ${subtype} is outside 0x00-0xfe`);
    let address: number | undefined;
    let size: number | undefined;
    if (type === PartitionType.bootloader) {
      if (opts.bootloaderOffset === undefined) csvError(lineNo, 'a bootloader row needs the bootloader offset (the chip gives it)');
      size = tableOffset - opts.bootloaderOffset;
      if (subtype === 0) address = opts.bootloaderOffset;
    } else if (type === PartitionType.partitionTable) {
      size = PTABLE_SECTOR;
      if (subtype === 0) address = tableOffset;
    }
    if (address === undefined && f[3] !== '') {
      address = parseCsvInt(f[3]);
      if (address === undefined || address < 0) csvError(lineNo, `offset "${f[3]}" is not a valid number`);
    }
    if (size === undefined) {
      if (f[4] === '') csvError(lineNo, "size field can't be empty");
      size = parseCsvInt(f[4]);
      if (size === undefined) csvError(lineNo, `size "${f[4]}" is not a valid number`);
    }
    let encrypted = false;
    let readonly = false;
    for (const flag of f[5].split(':')) {
      if (flag === 'encrypted') encrypted = true;
      else if (flag === 'readonly') readonly = true;
      else if (flag.length > 0) csvError(lineNo, `unknown flag "${flag}": use encrypted and/or readonly, separated by ':'`);
    }
    if (f.slice(6).some((x) => x !== '')) csvError(lineNo, 'more than 6 fields');
    rows.push({ p: { label, type, subtype, address: address ?? -1, size, encrypted, readonly }, line: lineNo, offsetGiven: address !== undefined, negativeSize: size < 0 });
  });

  // Offsets: gen_esp32part PartitionTable.from_csv "fix up missing offsets & negative sizes".
  let lastEnd = tableOffset + PTABLE_SECTOR;
  for (const r of rows) {
    const p = r.p;
    if ((p.type === PartitionType.bootloader || p.type === PartitionType.partitionTable) && p.subtype === 0) continue;
    if (r.offsetGiven && p.address < lastEnd) {
      csvError(r.line, `partitions overlap: offset ${hex(p.address)} is below ${hex(lastEnd)}, where the previous partition (or the table sector) ends; use ${hex(lastEnd)} or higher, or leave the offset empty`);
    }
    if (!r.offsetGiven) {
      const align = p.type === PartitionType.app ? APP_ALIGN : DATA_ALIGN;
      if (lastEnd % align !== 0) lastEnd += align - (lastEnd % align);
      p.address = lastEnd;
    }
    if (p.size < 0) p.size = -p.size - p.address;
    lastEnd = p.address + p.size;
  }
  return rows.map((r) => r.p);
}

function sizeText(n: number): string {
  if (n % 0x100000 === 0) return `${n / 0x100000}M`;
  if (n % 0x400 === 0) return `${n / 0x400}K`;
  return '0x' + n.toString(16);
}

/** Writes entries as gen_esp32part.py's to_csv() does (names for known types, sizes with K/M). */
export function formatPartitionCsv(entries: Partition[]): string {
  const rows = ['# ESP-IDF Partition Table', '# Name, Type, SubType, Offset, Size, Flags'];
  for (const p of entries) {
    const t = typeName(p.type);
    const s = subtypeName(p.type, p.subtype);
    const flags = [p.encrypted ? 'encrypted' : '', p.readonly ? 'readonly' : ''].filter((x) => x).join(':');
    rows.push([p.label, t.startsWith('0x') ? String(p.type) : t, s.startsWith('0x') ? String(p.subtype) : s, '0x' + p.address.toString(16), sizeText(p.size), flags].join(','));
  }
  return rows.join('\n') + '\n';
}
