/**
 * The files mcconfig and ESP-IDF read (manifest.json, partitions.csv,
 * sdkconfig/sdkconfig.defaults), checked against the rules those tools apply,
 * so that a mistake shows here rather than at a device build.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

interface Manifest {
  build: Record<string, string>;
  include: string[];
  modules: Record<string, string | string[]>;
  preload: string[];
  config: Record<string, unknown>;
  platforms: Record<string, { include?: string; error?: string }>;
}
const manifest = JSON.parse(read('manifest.json')) as Manifest;

describe('manifest.json', () => {
  test('serves exactly the four chips and x-cli-lin, with an error for anything else', () => {
    for (const p of ['esp32', 'esp32/esp32s3', 'esp32/esp32c3', 'esp32/esp32c6', 'x-cli-lin']) {
      expect(manifest.platforms[p]?.include).toBeTruthy();
      expect(manifest.platforms[p]?.error).toBeUndefined();
    }
    expect(manifest.platforms['...']?.error).toMatch(/unsupported platform/);
    expect(manifest.platforms['esp32/esp32h2']?.error).toBeTruthy();
  });

  test('names every module by its path in the repository, so relative imports resolve the same in XS as in tsc', () => {
    for (const [target, source] of Object.entries(manifest.modules)) {
      expect(typeof source === 'string' && source).toBe('./' + target);
    }
    expect((manifest as unknown as { creation: { main: string } }).creation.main).toBe('src/main');
  });

  test('sets the XS stack the job was measured in: the host runtime and the device tier run with the same', () => {
    // mcconfig's default (384 slots) overflows while the job streams a direct write.
    const stack = (manifest as unknown as { creation: { stack: number } }).creation.stack;
    expect(stack).toBeGreaterThanOrEqual(512);
    expect(read('host/natives/runner.c')).toMatch(new RegExp(`#define RUNNER_DEVICE_STACK_SLOTS ${stack}\\b`));
    expect(read('device-tests/components/reflasher_xs/dev_xs.c')).toMatch(new RegExp(`\\b${stack},\\s+/\\* stackCount`));
  });

  test('maps every folder of src/ that holds TypeScript (src/target is chosen per platform)', () => {
    const folders: string[] = [];
    const walk = (dir: string) => {
      const entries = readdirSync(join(root, dir));
      if (entries.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) folders.push(dir);
      for (const f of entries) if (statSync(join(root, dir, f)).isDirectory()) walk(`${dir}/${f}`);
    };
    walk('src');
    const unmapped = folders.filter((d) => d !== 'src' && d !== 'src/target' && !(`${d}/*` in manifest.modules));
    expect(unmapped).toEqual([]);
  });

  test('points mcconfig at this repository\'s sdkconfig folder and partition table', () => {
    expect(manifest.build.SDKCONFIGPATH).toBe('./sdkconfig');
    expect(existsSync(join(root, manifest.build.SDKCONFIGPATH, 'sdkconfig.defaults'))).toBe(true);
    expect(manifest.build.PARTITIONS_FILE).toBe('./partitions.csv');
    expect(existsSync(join(root, manifest.build.PARTITIONS_FILE))).toBe(true);
    // mcconfig stops when a resource folder is missing, even if empty is fine
    expect(existsSync(join(root, manifest.build['BUNDLE_DIR ?=']))).toBe(true);
  });

  test('its config passes the firmware\'s own parser once a bundle URL is given', async () => {
    const { parseConfig } = await import('../../src/app/config');
    expect(parseConfig({ ...manifest.config, bundle: 'https://fleet.example/m' }).mode).toBe('download');
  });

  // mcconfig matches a wildcard preload ("core/*") against .js modules only:
  // .ts modules are preloaded only when named one by one. A module left out
  // runs from RAM on the device.
  test('every TypeScript module of src/app, src/core and src/device is preloaded by name', () => {
    const missing: string[] = [];
    for (const [target, source] of Object.entries(manifest.modules)) {
      if (!target.endsWith('/*') || typeof source !== 'string') continue;
      const prefix = target.slice(0, -1);
      if (!/^src\/(app|core|device)\//.test(prefix)) continue;
      const dir = join(root, source.slice(0, -1));
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) {
        if (!f.endsWith('.ts') || f.endsWith('.d.ts')) continue;
        const name = prefix + f.slice(0, -3);
        if (!manifest.preload.includes(name)) missing.push(name);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('partitions.csv', () => {
  const rows = read('partitions.csv').split('\n')
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').map((c) => c.trim()))
    .map(([name, type, subtype, offset, size]) => ({ name, type, subtype, offset: parseInt(offset, 16), size: parseInt(size, 16) }));

  test('gen_esp32part rules: 64 KiB aligned apps, 4 KiB aligned data, no overlap, after the table, inside 4 MiB', () => {
    let end = 0x8000 + 0x1000; // the table and its sector
    for (const r of rows) {
      expect(r.offset % (r.type === 'app' ? 0x10000 : 0x1000)).toBe(0);
      expect(r.size % 0x1000).toBe(0);
      expect(r.offset).toBeGreaterThanOrEqual(end);
      end = r.offset + r.size;
    }
    expect(end).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const r of rows) expect(r.name.length).toBeLessThanOrEqual(16);
  });

  test('has the data the network stack needs, a factory app for the reflasher, and an OTA slot to stage through', () => {
    const by = (type: string, subtype: string) => rows.filter((r) => r.type === type && r.subtype === subtype);
    expect(by('data', 'nvs')).toHaveLength(1);
    expect(by('data', 'phy')).toHaveLength(1);
    expect(by('data', 'ota')[0]?.size).toBe(0x2000);
    expect(by('app', 'factory')).toHaveLength(1);
    const staging = by('app', 'ota_0')[0];
    expect(staging.size).toBeGreaterThanOrEqual(0x180000); // a typical app image (1.5 MiB)
  });

  test('leaves the start of the flash, where new layouts put their first app, to no partition', () => {
    const firstApp = Math.min(...rows.filter((r) => r.type === 'app').map((r) => r.offset));
    expect(firstApp).toBeGreaterThanOrEqual(0x100000);
  });
});

describe('sdkconfig/sdkconfig.defaults', () => {
  const lines = read('sdkconfig/sdkconfig.defaults').split('\n');

  test('allows dangerous writes', () => {
    expect(lines).toContain('CONFIG_SPI_FLASH_DANGEROUS_WRITE_ALLOWED=y');
    expect(lines.some((l) => /^CONFIG_SPI_FLASH_DANGEROUS_WRITE_(ABORTS|FAILS)=y/.test(l))).toBe(false);
  });

  test('every option is NAME=value alone (mcconfig merges only that form) with its reason on the comment lines above', () => {
    lines.forEach((line, i) => {
      if (!line || line.startsWith('#')) return;
      expect(line).toMatch(/^CONFIG_[A-Z0-9_]+=("[^"#]*"|[^\s#"]+)$/);
      let j = i - 1;
      while (j >= 0 && lines[j].startsWith('CONFIG_')) j--;
      expect(lines[j]).toMatch(/^# \S/);
    });
  });
});
