import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reflasher } from './run-cli';
import { nodeCrypto } from '../formats/node-crypto';
import { buildPartitionTable, parsePartitionTable } from '../../src/core/formats/partition-table';

const dir = mkdtempSync(join(tmpdir(), 'cli-partitions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// gen_esp32part's own style: names, K/M suffixes, empty offsets assigned in order.
const CSV = `# Name,   Type, SubType, Offset,  Size, Flags
nvs,      data, nvs,     ,        0x6000,
otadata,  data, ota,     ,        0x2000,
phy_init, data, phy,     ,        0x1000,
factory,  app,  factory, ,        1M,
ota_0,    app,  ota_0,   ,        1M,
ota_1,    app,  ota_1,   ,        1M,
storage,  data, spiffs,  ,        256K, readonly
`;

describe('reflasher partitions', () => {
  test('CSV -> binary -> CSV keeps every entry, and the binary is what ESP-IDF reads', () => {
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, CSV);
    const bin = join(dir, 'out.bin');
    const toBin = reflasher(['partitions', csv, '--out', bin, '--flash-size', '4M', '--json']);
    expect(toBin.status).toBe(0);
    const bytes = readFileSync(bin);
    expect(bytes).toHaveLength(0xc00);
    const info = parsePartitionTable(new Uint8Array(bytes), { crypto: nodeCrypto, requireMd5: true });
    expect(info.entries.map((p) => [p.label, p.address, p.size, p.readonly])).toEqual([
      ['nvs', 0x9000, 0x6000, false], ['otadata', 0xf000, 0x2000, false], ['phy_init', 0x11000, 0x1000, false],
      ['factory', 0x20000, 0x100000, false], ['ota_0', 0x120000, 0x100000, false], ['ota_1', 0x220000, 0x100000, false],
      ['storage', 0x320000, 0x40000, true],
    ]);
    const back = join(dir, 'back.csv');
    expect(reflasher(['partitions', bin, '--out', back]).status).toBe(0);
    // Back to binary from the regenerated CSV: byte for byte the same table.
    const again = join(dir, 'again.bin');
    expect(reflasher(['partitions', back, '--out', again]).status).toBe(0);
    expect(readFileSync(again).equals(bytes)).toBe(true);
    // Without --out, the CSV goes to stdout.
    const shown = reflasher(['partitions', bin]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toBe(readFileSync(back, 'utf8'));
  });

  test('the same rules both ways: a layout past the flash and a broken CSV are refused with codes', () => {
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, CSV);
    const tooBig = reflasher(['partitions', csv, '--out', join(dir, 'big.bin'), '--flash-size', '2M', '--json']);
    expect(tooBig.status).toBe(1);
    expect(JSON.parse(tooBig.stdout).error.code).toMatch(/^PTABLE_/);
    // The binary of the 4 MiB layout, read back against a 2 MiB flash, is refused the same way.
    expect(reflasher(['partitions', csv, '--out', join(dir, 'ok.bin')]).status).toBe(0);
    const binTooBig = reflasher(['partitions', join(dir, 'ok.bin'), '--flash-size', '2M', '--json']);
    expect(binTooBig.status).toBe(1);
    expect(JSON.parse(binTooBig.stdout).error.code).toBe(JSON.parse(tooBig.stdout).error.code);
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'nvs, data, nvs, 0x9000, lots\n');
    const r = reflasher(['partitions', broken, '--out', join(dir, 'broken.bin')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^reflasher: error PTABLE_CSV: /);
    // A CSV cannot go backwards; a binary that overlaps is refused when read.
    const backwards = join(dir, 'backwards.csv');
    writeFileSync(backwards, 'a, app, ota_0, 0x10000, 1M\nb, app, ota_1, 0x80000, 1M\n');
    expect(JSON.parse(reflasher(['partitions', backwards, '--out', join(dir, 'b.bin'), '--json']).stdout).error.code).toBe('PTABLE_CSV');
    const part = (label: string, subtype: number, address: number) => ({ label, type: 0, subtype, address, size: 0x100000, encrypted: false, readonly: false });
    const overlap = join(dir, 'overlap.bin');
    writeFileSync(overlap, buildPartitionTable([part('a', 0x10, 0x10000), part('b', 0x11, 0x80000)], { crypto: nodeCrypto }));
    const o = reflasher(['partitions', overlap, '--json']);
    expect(o.status).toBe(1);
    expect(JSON.parse(o.stdout).error.code).toBe('PTABLE_OVERLAP');
  });

  test('a CSV needs --out for its binary', () => {
    const csv = join(dir, 'x.csv');
    writeFileSync(csv, CSV);
    expect(reflasher(['partitions', csv]).status).toBe(2);
  });
});
