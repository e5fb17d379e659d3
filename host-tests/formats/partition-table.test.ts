import { createHash } from 'node:crypto';
import type { Partition } from '../../src/core/ports';
import { buildPartitionTable, parsePartitionTable, otaSlots } from '../../src/core/formats/partition-table';
import { nodeCrypto } from './node-crypto';
import { codeOf } from './expect-code';

const crypto = nodeCrypto;
const MB = 0x100000;
const part = (label: string, type: number, subtype: number, address: number, size: number, extra: Partial<Partition> = {}): Partition =>
  ({ label, type, subtype, address, size, encrypted: false, readonly: false, ...extra });

const twoOta: Partition[] = [
  part('nvs', 1, 2, 0x9000, 0x4000),
  part('otadata', 1, 0, 0xd000, 0x2000),
  part('phy_init', 1, 1, 0xf000, 0x1000),
  part('factory', 0, 0, 0x10000, MB),
  part('ota_0', 0, 0x10, 0x110000, MB),
  part('ota_1', 0, 0x11, 0x210000, MB, { readonly: true }),
];

const parse = (b: Uint8Array, flashSize = 4 * MB) => parsePartitionTable(b, { crypto, flashSize });
const withEntries = (entries: Partition[]) => buildPartitionTable(entries, { crypto });

describe('partition table: build and parse', () => {
  test('round trip keeps every field; MD5 equals MD5 of the entries', () => {
    const bin = withEntries(twoOta);
    expect(bin.length).toBe(0xc00);
    const info = parse(bin);
    expect(info.entries).toEqual(twoOta);
    expect(info.md5Index).toBe(6);
    expect(info.md5!.stored).toBe(createHash('md5').update(bin.subarray(0, 6 * 32)).digest('hex'));
    expect(info.length).toBe(8 * 32);
    expect(Array.from(bin.subarray(6 * 32, 6 * 32 + 16))).toEqual([0xeb, 0xeb, ...new Array(14).fill(0xff)]);
    expect(bin.subarray(7 * 32).every((x) => x === 0xff)).toBe(true);
  });

  test('entry bytes follow <2sBBLL16sL>', () => {
    const bin = withEntries([part('abcdefghijklmnop', 1, 0x82, 0x9000, 0x3000, { encrypted: true, readonly: true })]);
    expect(Array.from(bin.subarray(0, 4))).toEqual([0xaa, 0x50, 0x01, 0x82]);
    expect(Array.from(bin.subarray(4, 12))).toEqual([0x00, 0x90, 0, 0, 0x00, 0x30, 0, 0]);
    expect(String.fromCharCode(...bin.subarray(12, 28))).toBe('abcdefghijklmnop');
    expect(Array.from(bin.subarray(28, 32))).toEqual([3, 0, 0, 0]);
    expect(parse(bin).entries[0].label).toBe('abcdefghijklmnop');
  });

  test('a table without MD5 parses with a warning, or is refused when MD5 is required', () => {
    const bin = buildPartitionTable(twoOta, { crypto, md5: false });
    const info = parse(bin);
    expect(info.md5Index).toBe(-1);
    expect(info.checks.find((c) => c.id === 'md5')?.level).toBe('warning');
    expect(codeOf(() => parsePartitionTable(bin, { crypto, requireMd5: true }))).toBe('PTABLE_MD5');
  });

  test('a whole 4 KiB sector as read from flash parses the same', () => {
    const sector = new Uint8Array(0x1000).fill(0xff);
    sector.set(withEntries(twoOta));
    expect(parse(sector).entries).toEqual(twoOta);
  });

  test('ota slots are indexed by subtype', () => {
    const slots = otaSlots([part('b', 0, 0x12, 0x10000, MB), part('a', 0, 0x10, 0x110000, MB)]);
    expect(slots[0]!.label).toBe('a');
    expect(slots[1]).toBeUndefined();
    expect(slots[2]!.label).toBe('b');
  });

  test('entry limit: 94 partitions + MD5 or 95 without; one more is refused by builder and parser', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => part('p' + i, 1, 0x81, 0x9000 + i * 0x1000, 0x1000));
    expect(parse(withEntries(many(94)), 16 * MB).entries.length).toBe(94);
    expect(codeOf(() => withEntries(many(95)))).toBe('PTABLE_TOO_MANY');
    expect(parse(buildPartitionTable(many(95), { crypto, md5: false }), 16 * MB).entries.length).toBe(95);
    expect(codeOf(() => buildPartitionTable(many(96), { crypto, md5: false }))).toBe('PTABLE_TOO_MANY');
    // 96 entries and no end marker in the 0xC00 bytes the bootloader reads
    const full = new Uint8Array(0xc00);
    const one = buildPartitionTable(many(95), { crypto, md5: false });
    full.set(one.subarray(0, 95 * 32));
    full.set(one.subarray(94 * 32, 95 * 32), 95 * 32);
    expect(codeOf(() => parse(full, 16 * MB))).toBe('PTABLE_TOO_MANY');
  });
});

describe('partition table: every check fails with its code', () => {
  const mutate = (f: (b: Uint8Array) => void) => {
    const b = withEntries(twoOta);
    f(b);
    return b;
  };

  test('MD5 mismatch after a changed entry byte', () => {
    expect(codeOf(() => parse(mutate((b) => { b[4 * 32 + 8] ^= 1; })))).toBe('PTABLE_MD5');
  });

  test('a second MD5 entry', () => {
    const b = withEntries(twoOta);
    const second = new Uint8Array(0xc00).fill(0xff);
    second.set(b.subarray(0, 7 * 32));
    second.set(b.subarray(6 * 32, 7 * 32), 7 * 32);
    expect(codeOf(() => parse(second))).toBe('PTABLE_MD5');
  });

  test('bad magic, empty table, missing end marker', () => {
    expect(codeOf(() => parse(mutate((b) => { b[32] = 0x12; })))).toBe('PTABLE_BAD_MAGIC');
    expect(codeOf(() => parse(new Uint8Array(0xc00).fill(0xff)))).toBe('PTABLE_EMPTY');
    expect(codeOf(() => parse(new Uint8Array(0xc00)))).toBe('PTABLE_BAD_MAGIC');
    expect(codeOf(() => parse(withEntries(twoOta).subarray(0, 7 * 32)))).toBe('PTABLE_NO_END');
  });

  const invalid: Array<[string, Partition[], string, number?]> = [
    ['overlap', [part('a', 1, 0x81, 0x9000, 0x3000), part('b', 1, 0x81, 0xb000, 0x1000)], 'PTABLE_OVERLAP'],
    ['containment', [part('a', 1, 0x81, 0x9000, 0x10000), part('b', 1, 0x81, 0xa000, 0x1000)], 'PTABLE_OVERLAP'],
    ['outside flash', [part('a', 0, 0, 0x10000, 4 * MB)], 'PTABLE_BOUNDS'],
    ['offset past flash', [part('a', 1, 0x81, 5 * MB, 0x1000)], 'PTABLE_BOUNDS'],
    ['below the table sector', [part('a', 1, 0x81, 0x8000, 0x1000)], 'PTABLE_BOUNDS'],
    ['size zero', [part('a', 1, 0x81, 0x9000, 0)], 'PTABLE_BOUNDS'],
    ['app not 64 KiB aligned', [part('a', 0, 0, 0x11000, MB)], 'PTABLE_ALIGN'],
    ['app size not 4 KiB', [part('a', 0, 0, 0x10000, 0x10100)], 'PTABLE_ALIGN'],
    ['data not 4 KiB aligned', [part('a', 1, 0x81, 0x9800, 0x1000)], 'PTABLE_ALIGN'],
    ['reserved type', [part('a', 0x10, 0, 0x9000, 0x1000)], 'PTABLE_TYPE'],
    ['unknown app subtype', [part('a', 0, 0x05, 0x10000, MB)], 'PTABLE_SUBTYPE'],
    ['unknown bootloader subtype', [part('a', 2, 0x07, 0x9000, 0x1000)], 'PTABLE_SUBTYPE'],
    ['duplicate label', [part('a', 1, 0x81, 0x9000, 0x1000), part('a', 1, 0x81, 0xa000, 0x1000)], 'PTABLE_DUPLICATE_NAME'],
    ['two otadata', [part('o1', 1, 0, 0x9000, 0x2000), part('o2', 1, 0, 0xb000, 0x2000)], 'PTABLE_OTADATA'],
    ['otadata size', [part('o', 1, 0, 0x9000, 0x3000)], 'PTABLE_OTADATA'],
    ['readonly otadata', [part('o', 1, 0, 0x9000, 0x2000, { readonly: true })], 'PTABLE_FLAGS'],
    ['small read/write nvs', [part('n', 1, 2, 0x9000, 0x2000)], 'PTABLE_FLAGS'],
  ];
  test.each(invalid)('%s', (_name, entries, code) => {
    expect(codeOf(() => parse(withEntries(entries)))).toBe(code);
  });

  test('a small readonly nvs, custom types and custom data subtypes are accepted (the latter with a warning)', () => {
    const info = parse(withEntries([part('n', 1, 2, 0x9000, 0x2000, { readonly: true }), part('c', 0x40, 0x01, 0xb000, 0x1000), part('d', 1, 0x99, 0xc000, 0x1000)]));
    expect(info.entries.length).toBe(3);
    expect(info.checks.find((c) => c.id === 'subtype')?.level).toBe('warning');
  });

  test('labels: more than 16 characters cannot be built; non-ASCII bytes are refused', () => {
    expect(codeOf(() => withEntries([part('abcdefghijklmnopq', 1, 0x81, 0x9000, 0x1000)]))).toBe('PTABLE_LABEL');
    const b = buildPartitionTable([part('abc', 1, 0x81, 0x9000, 0x1000)], { crypto, md5: false });
    b[13] = 0xc3;
    expect(codeOf(() => parse(b))).toBe('PTABLE_LABEL');
  });

  test('a table at another offset moves the floor for partitions', () => {
    const b = withEntries([part('a', 1, 0x81, 0x9000, 0x1000)]);
    expect(codeOf(() => parsePartitionTable(b, { crypto, tableOffset: 0x9000 }))).toBe('PTABLE_BOUNDS');
    expect(parsePartitionTable(b, { crypto, tableOffset: 0x7000 }).entries.length).toBe(1);
  });
});
