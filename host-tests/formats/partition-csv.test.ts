import { formatPartitionCsv, parseCsvInt, parsePartitionCsv } from '../../src/core/formats/partition-csv';
import { buildPartitionTable, parsePartitionTable, validatePartitions } from '../../src/core/formats/partition-table';
import { nodeCrypto } from './node-crypto';
import { codeOf } from './expect-code';

const crypto = nodeCrypto;

// ESP-IDF's default layouts, components/partition_table/partitions_singleapp.csv and
// partitions_two_ota.csv (Apache-2.0), as data.
const SINGLEAPP = `# Name,   Type, SubType, Offset,  Size, Flags
# Note: if you have increased the bootloader size, make sure to update the offsets to avoid overlap
nvs,      data, nvs,     ,        0x6000,
phy_init, data, phy,     ,        0x1000,
factory,  app,  factory, ,        1M,
`;
const TWO_OTA = `# Name,   Type, SubType, Offset,   Size, Flags
# Note: if you have increased the bootloader size, make sure to update the offsets to avoid overlap
nvs,      data, nvs,     ,        0x4000,
otadata,  data, ota,     ,        0x2000,
phy_init, data, phy,     ,        0x1000,
factory,  app,  factory, ,        1M,
ota_0,    app,  ota_0,   ,        1M,
ota_1,    app,  ota_1,   ,        1M,
`;

// What gen_esp32part.py assigns, worked out from its rules: the first free byte is
// 0x8000 + 0x1000; data aligns to 0x1000, apps to 0x10000; each starts where the last ended.
const layout = (rows: Array<[string, number, number, number, number]>) =>
  rows.map(([label, type, subtype, address, size]) => ({ label, type, subtype, address, size, encrypted: false, readonly: false }));

describe('partition CSV, as gen_esp32part.py reads and writes it', () => {
  test('partitions_singleapp.csv', () => {
    const entries = parsePartitionCsv(SINGLEAPP);
    expect(entries).toEqual(layout([
      ['nvs', 1, 2, 0x9000, 0x6000],
      ['phy_init', 1, 1, 0xf000, 0x1000],
      ['factory', 0, 0, 0x10000, 0x100000],
    ]));
    expect(formatPartitionCsv(entries)).toBe(
      '# ESP-IDF Partition Table\n# Name, Type, SubType, Offset, Size, Flags\n' +
      'nvs,data,nvs,0x9000,24K,\nphy_init,data,phy,0xf000,4K,\nfactory,app,factory,0x10000,1M,\n');
  });

  test('partitions_two_ota.csv', () => {
    expect(parsePartitionCsv(TWO_OTA)).toEqual(layout([
      ['nvs', 1, 2, 0x9000, 0x4000],
      ['otadata', 1, 0, 0xd000, 0x2000],
      ['phy_init', 1, 1, 0xf000, 0x1000],
      ['factory', 0, 0, 0x10000, 0x100000],
      ['ota_0', 0, 0x10, 0x110000, 0x100000],
      ['ota_1', 0, 0x11, 0x210000, 0x100000],
    ]));
  });

  test.each([['singleapp', SINGLEAPP], ['two_ota', TWO_OTA]])('%s: CSV -> bin -> CSV -> entries round trip', (_n, csv) => {
    const entries = parsePartitionCsv(csv);
    validatePartitions(entries, { flashSize: 4 << 20 });
    const bin = buildPartitionTable(entries, { crypto });
    const back = parsePartitionTable(bin, { crypto, flashSize: 4 << 20 }).entries;
    expect(back).toEqual(entries);
    const text = formatPartitionCsv(back);
    expect(parsePartitionCsv(text)).toEqual(entries);
    expect(buildPartitionTable(parsePartitionCsv(text), { crypto })).toEqual(bin);
  });

  test('a table offset other than 0x8000 moves the first free byte', () => {
    expect(parsePartitionCsv(SINGLEAPP, { tableOffset: 0x10000 })[0].address).toBe(0x11000);
  });

  test('flags, numeric and custom types, negative sizes, explicit offsets', () => {
    const csv = [
      'nvs, data, nvs, 0x9000, 0x4000, readonly',
      'keys, data, nvs_keys, , 4K, encrypted:readonly',
      'custom, 0x40, 0x01, , 4K,',
      'app0, app, ota_0, 0x20000, 0x100000, encrypted',
      'storage, data, spiffs, , -0x400000',
    ].join('\n');
    const e = parsePartitionCsv(csv);
    expect(e[0]).toMatchObject({ address: 0x9000, readonly: true, encrypted: false });
    expect(e[1]).toMatchObject({ address: 0xd000, subtype: 4, encrypted: true, readonly: true });
    expect(e[2]).toMatchObject({ type: 0x40, subtype: 1, address: 0xe000 });
    expect(e[3]).toMatchObject({ address: 0x20000, encrypted: true });
    expect(e[4]).toMatchObject({ address: 0x120000, size: 0x400000 - 0x120000 });
    const text = formatPartitionCsv(e);
    expect(text).toContain('keys,data,nvs_keys,0xd000,4K,encrypted:readonly');
    expect(text).toContain('custom,64,1,0xe000,4K,');
    expect(parsePartitionCsv(text)).toEqual(e);
  });

  test('bootloader and partition-table rows take the fixed offsets and sizes', () => {
    const e = parsePartitionCsv('bootloader, bootloader, primary, , \npartition_table, partition_table, primary, , \nnvs, data, nvs, , 24K', { bootloaderOffset: 0x1000 });
    expect(e[0]).toMatchObject({ address: 0x1000, size: 0x7000, type: 2 });
    expect(e[1]).toMatchObject({ address: 0x8000, size: 0x1000, type: 3 });
    expect(e[2]).toMatchObject({ address: 0x9000 });
    validatePartitions(e, { flashSize: 4 << 20 });
    expect(codeOf(() => parsePartitionCsv('bootloader, bootloader, primary, , '))).toBe('PTABLE_CSV');
  });

  test('integers as Python int(x, 0) reads them, with K and M', () => {
    const cases: Array<[string, number | undefined]> = [
      ['0x10', 16], ['0X1f', 31], ['16', 16], ['0', 0], ['00', 0], ['0o17', 15], ['0b101', 5], ['1_000', 1000],
      ['4K', 4096], ['4k', 4096], ['2M', 2 << 20], ['0x10K', 16 << 10], ['-0x100', -256],
      ['010', undefined], ['0x', undefined], ['1__0', undefined], ['ten', undefined], ['', undefined], ['1.5', undefined],
    ];
    for (const [text, value] of cases) expect([text, parseCsvInt(text)]).toEqual([text, value]);
  });

  test.each([
    ['unknown type', 'x, code, factory, , 1M'],
    ['unknown subtype', 'x, app, fast, , 1M'],
    ['empty app subtype', 'x, app, , , 1M'],
    ['empty type', 'x, , nvs, , 1M'],
    ['empty size', 'x, data, nvs, , '],
    ['bad size', 'x, data, nvs, , lots'],
    ['unknown flag', 'x, data, nvs, , 24K, secret'],
    ['offset going backwards', 'a, data, nvs, 0x9000, 0x4000\nb, data, phy, 0xa000, 0x1000'],
    ['offset inside the table sector', 'a, data, nvs, 0x8000, 0x4000'],
    ['environment variable', 'a, data, nvs, $OFFSET, 0x4000'],
    ['extra fields', 'a, data, nvs, , 0x4000, , extra'],
  ])('%s is PTABLE_CSV', (_name, csv) => {
    expect(codeOf(() => parsePartitionCsv(csv))).toBe('PTABLE_CSV');
  });

  test('an empty subtype on data means "undefined" (0x06)', () => {
    expect(parsePartitionCsv('x, data, , , 4K')[0].subtype).toBe(6);
  });
});
