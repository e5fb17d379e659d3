/**
 * The bench's scenarios are what bench/README.md says they are: valid images
 * that fit their regions, a before-flash a device in the field would hold,
 * and scenario 3's 5% of changed sectors.
 */
import { allScenarios, updatedApp, TABLE_OFFSET } from '../../bench/scenarios';
import { inspectEspImage } from '../../src/core/formats/esp-image';
import { parsePartitionTable } from '../../src/core/formats/partition-table';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { totals } from '../../bench/model/timing';
import { nodeCrypto } from '../../tools/cli/lib/node-crypto';

const crypto = nodeCrypto;
const scenarios = allScenarios(crypto);
const blank = (b: Uint8Array) => b.every((x) => x === 0xff);

describe('bench scenarios', () => {
  test.each(scenarios.map((s) => [s.id, s] as const))('scenario %i: images valid and in their regions, the table on flash is the one declared', (_id, s) => {
    const table = parsePartitionTable(s.flash.subarray(TABLE_OFFSET, TABLE_OFFSET + 0xc00), { crypto, requireMd5: true });
    expect(table.entries.map((p) => [p.label, p.address, p.size])).toEqual(s.partitions.map((p) => [p.label, p.address, p.size]));
    expect(s.partitions.some((p) => p.label === s.running)).toBe(true);
    for (const im of s.images) {
      expect(im.bytes.length).toBeLessThanOrEqual(im.regionSize);
      if (im.kind === 'app' || im.kind === 'bootloader') {
        const info = inspectEspImage(im.bytes, { crypto, kind: im.kind, chip: 'esp32', regionSize: im.regionSize });
        expect(info.checks.filter((c) => c.level === 'error')).toEqual([]);
      } else {
        expect(parsePartitionTable(im.bytes, { crypto, requireMd5: true }).entries.length).toBeGreaterThan(0);
      }
    }
  });

  test('destinations hold old data, as on a device in the field: no app slot is left erased', () => {
    for (const s of scenarios) {
      const app = s.images.find((im) => im.kind === 'app');
      if (app) expect(blank(s.flash.subarray(app.destination, app.destination + 0xf0000))).toBe(false);
      for (let a = app?.destination ?? 0x10000; a < 0x10000 + 0xfc000; a += 0x1000) expect(blank(s.flash.subarray(a, a + 0x1000))).toBe(false);
    }
    const [s1, s2] = scenarios;
    for (const s of [s1, s2]) {
      expect(blank(s.flash.subarray(0x1000, 0x2000))).toBe(false); // an old bootloader
      expect(blank(s.flash.subarray(0x210000, 0x211000))).toBe(false); // ota_1, the staging slot, holds an app
    }
  });

  test('scenario 3: 13 of 256 sectors (5%) differ, the update is a valid image', () => {
    const s = scenarios[2];
    const v2 = s.images[0].bytes;
    const v1 = s.flash.subarray(0x10000, 0x10000 + v2.length);
    let changed = 0;
    for (let a = 0; a < v2.length; a += 0x1000) if (Buffer.compare(v1.subarray(a, a + 0x1000), v2.subarray(a, a + 0x1000)) !== 0) changed++;
    expect(v2.length / 0x1000).toBe(256);
    expect(changed).toBe(13);
    const info = inspectEspImage(v2, { crypto, kind: 'app' });
    expect(info.appDescriptor?.version).toBe('1.0.1');
    expect(info.checksum.stored).toBe(info.checksum.computed);
    expect(info.appendedSha256?.stored).toBe(info.appendedSha256?.computed);
  });

  test('updatedApp changes the first and last sectors and exactly the extra ones it reports', () => {
    const v1 = buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 0x40000, seed: 3 });
    const { v2, changed } = updatedApp(crypto, v1, 4, 77);
    expect(changed).toHaveLength(6);
    expect(changed[0]).toBe(0);
    expect(changed[changed.length - 1]).toBe(0x40000 / 0x1000 - 1);
    expect(v2.length).toBe(v1.length);
  });

  test('the baseline issues esp-self-reflasher\'s sequence: whole staging erased for the bootloader, by sectors in embedded mode', () => {
    const b2 = totals(scenarios[1].baseline());
    expect(b2.erase64k).toBe(16); // the whole 1 MiB ota_1
    expect(b2.erase4k).toBe(7); // the whole bootloader region
    const b4 = totals(scenarios[3].baseline());
    expect(b4.erase4k).toBe(256 + 1); // every sector, the first twice
    expect(b4.erase64k).toBe(0);
    const b1 = totals(scenarios[0].baseline());
    expect(b1.erase64k).toBe(16 + 16 + 16); // staging, staging again for the app, the app's region
  });
});
