/**
 * The partitions module over a real binary table in the flash file: listing,
 * running and boot partitions, otadata written as app_update writes it, and
 * the runner's refusal of a table ESP-IDF would refuse.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT_4M, MiB, ROOT, buildHost, bundle, crc32le, makeFlash, partitionTable, readFlash, runHost, script, tempDir, type TableEntry } from './helpers';

beforeAll(buildHost, 180000);

const P = (name: string) => `native("xs_partitions_${name}")`;

function run(body: string, o: { entries?: TableEntry[]; running?: string; extra?: string[]; flash?: string } = {}) {
  const dir = tempDir();
  const flash = o.flash ?? makeFlash(dir, 4 * MiB, o.entries ?? LAYOUT_4M);
  const firmware = script(dir, body);
  return { flash, ...runHost(dir, { flash, firmware, running: o.running ?? 'ota_0', extra: o.extra ?? [] }) };
}

test('list() returns every entry of the binary table in table order, with the read-only flag', () => {
  const entries = LAYOUT_4M.map((e) => (e.label === 'storage' ? { ...e, flags: 2 } : e));
  const r = run(`finish(${P('list')}());`, { entries });
  expect(r.status).toBe(0);
  expect(r.report.firmware).toEqual(
    entries.map((e) => ({ label: e.label, type: e.type, subtype: e.subtype, address: e.address, size: e.size, encrypted: false, readonly: e.label === 'storage' })),
  );
});

test('running() is the --running partition; tableOffset() is where the table was read', () => {
  const r = run(`finish([${P('running')}().label, ${P('running')}().address, ${P('get_table_offset')}()]);`, { running: 'ota_1' });
  expect(r.report.firmware).toEqual(['ota_1', 0x120000, 0x8000]);
});

test('boot() with erased otadata is factory if there is one, else ota_0', () => {
  expect(run(`finish(${P('boot')}().label);`, { running: 'ota_1' }).report.firmware).toBe('ota_0');
  const withFactory: TableEntry[] = [...LAYOUT_4M.slice(0, 3), { label: 'factory', type: 0, subtype: 0, address: 0x10000, size: 0x10000 }, ...LAYOUT_4M.slice(3)];
  expect(run(`finish(${P('boot')}().label);`, { entries: withFactory }).report.firmware).toBe('factory');
});

test('setBoot() writes otadata as esp_ota_set_boot_partition does, alternating its two sectors', () => {
  const r = run(`
    ${P('set_boot')}("ota_1");
    const first = ${P('boot')}().label;
    ${P('set_boot')}("ota_0");
    finish([first, ${P('boot')}().label]);`);
  expect(r.report.firmware).toEqual(['ota_1', 'ota_0']);
  // Sector 0: seq 2 (ota_1 = (2 - 1) % 2); sector 1: seq 3 (ota_0), each with its crc.
  for (const [sector, seq] of [[0, 2], [1, 3]]) {
    const entry = readFlash(r.flash, 0xf000 + sector * 0x1000, 32);
    expect(entry.readUInt32LE(0)).toBe(seq);
    expect(entry.readUInt32LE(24)).toBe(0xffffffff); // ota_state: undefined (no rollback)
    expect(entry.readUInt32LE(28)).toBe(crc32le(entry.subarray(0, 4)));
  }
  expect(r.report.ops.erase4k).toBe(2);
});

test('setBoot() of a label that is not an app partition is PARTITION_NOT_FOUND and writes nothing', () => {
  const r = run(`finish([codeOf(() => ${P('set_boot')}("nvs")), codeOf(() => ${P('set_boot')}("nope")), codeOf(() => ${P('set_boot')}("ota_1"))]);`);
  expect(r.report.firmware).toEqual(['PARTITION_NOT_FOUND', 'PARTITION_NOT_FOUND', 'none']);
  expect(r.report.ops.erase4k).toBe(1);
});

test('the device platform turns the modules\' coded errors into ReflashErrors', () => {
  const dir = tempDir();
  const flash = makeFlash(dir);
  const firmware = bundle(dir, `
    import { devicePlatform } from '${ROOT}/src/device/platform';
    import * as partitions from '${ROOT}/modules/partitions/partitions';
    import { ReflashError } from '${ROOT}/src/core/errors';
    const code = (fn: () => unknown) => { try { fn(); return 'none'; } catch (e) { return e instanceof ReflashError ? e.code : 'not a ReflashError: ' + e; } };
    const platform = devicePlatform({ report: { progress() {}, log() {} } });
    const { flash } = platform;
    const out = [
      code(() => flash.erase(0x20000, 0x1000)),
      code(() => flash.erase(0x300001, 0x1000)),
      code(() => flash.write(0x3fffff, new Uint8Array(2))),
      code(() => flash.read(0x400000, new Uint8Array(1))),
      code(() => partitions.setBoot('nvs')), // the face alone: a plain Error with the code prefix
      flash.size, flash.sectorSize, platform.partitions.layout(), platform.partitions.running().label, platform.partitions.list().length,
    ];
    native('xs_runner_finish')(true, false, JSON.stringify(out));
  `);
  const r = runHost(dir, { flash, firmware, chip: 'esp32c3' });
  expect(r.report.firmware).toEqual([
    'FLASH_PROTECTED', 'FLASH_ALIGN', 'FLASH_BOUNDS', 'FLASH_BOUNDS',
    expect.stringMatching(/^not a ReflashError: RangeError: PARTITION_NOT_FOUND: /),
    4 * MiB, 4096, { chip: 'esp32c3', bootloaderOffset: 0, partitionTableOffset: 0x8000 }, 'ota_0', LAYOUT_4M.length,
  ]);
});

test('the bootloader offset follows the chip', () => {
  const offsets: Record<string, number> = { esp32: 0x1000, esp32s2: 0x1000, esp32c3: 0, esp32s3: 0, esp32c6: 0, esp32p4: 0x2000, esp32c5: 0x2000 };
  for (const [chip, offset] of Object.entries(offsets)) {
    const dir = tempDir();
    const flash = makeFlash(dir);
    const firmware = script(dir, `const f = new RawFlash(); finish([native("xs_rawflash_get_chip").call(f), native("xs_rawflash_get_bootloader_offset").call(f)]);`);
    expect(runHost(dir, { flash, firmware, chip }).report.firmware).toEqual([chip, offset]);
  }
});

test('--partition-table-offset moves where the table is read', () => {
  const dir = tempDir();
  const flash = Buffer.alloc(4 * MiB, 0xff);
  Buffer.from(partitionTable(LAYOUT_4M.map((e) => (e.label === 'nvs' ? { ...e, address: 0x11000, size: 0x4000 } : e)))).copy(flash, 0x10000);
  const path = join(dir, 'moved.bin');
  writeFileSync(path, flash);
  const r = run(`finish([${P('get_table_offset')}(), ${P('list')}()[0].address]);`, { flash: path, extra: ['--partition-table-offset', '0x10000'] });
  expect(r.report.firmware).toEqual([0x10000, 0x11000]);
});

describe('the runner refuses a flash ESP-IDF would not boot with (exit 2)', () => {
  test('a table whose MD5 entry does not match', () => {
    const dir = tempDir();
    const flash = makeFlash(dir);
    const bytes = Buffer.from(require('node:fs').readFileSync(flash));
    bytes[0x8000 + 12] ^= 1; // a label byte of the first entry
    writeFileSync(flash, bytes);
    const r = runHost(dir, { flash, firmware: script(dir, 'finish(null);') });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/MD5 mismatch/);
  });

  test('a table without the MD5 entry, or no table at all', () => {
    const dir = tempDir();
    const bytes = Buffer.alloc(4 * MiB, 0xff);
    Buffer.from(partitionTable(LAYOUT_4M, false)).copy(bytes, 0x8000);
    writeFileSync(join(dir, 'a.bin'), bytes);
    writeFileSync(join(dir, 'b.bin'), Buffer.alloc(4 * MiB, 0xff));
    for (const name of ['a.bin', 'b.bin']) {
      const r = runHost(dir, { flash: join(dir, name), firmware: script(dir, 'finish(null);') });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/no MD5 entry/);
    }
  });

  test('--running names no app partition', () => {
    for (const running of ['nvs', 'ota_7']) {
      const dir = tempDir();
      const r = runHost(dir, { flash: makeFlash(dir), firmware: script(dir, 'finish(null);'), running });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/no app partition/);
    }
  });
});
