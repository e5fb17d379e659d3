import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { reflasher } from './run-cli';
import { nodeCrypto, p256KeyPair } from '../formats/node-crypto';
import { TWO_OTA, makeFlash } from '../formats/fixtures';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { buildPartitionTable } from '../../src/core/formats/partition-table';
import { buildOtadata } from '../../src/core/formats/otadata';
import { buildMcubootImage } from '../../src/core/formats/mcuboot';

const dir = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const bootloader = buildEspImage({ crypto: nodeCrypto, chip: 'esp32c3', kind: 'bootloader', size: 0x5000, seed: 3 });
const table = buildPartitionTable(TWO_OTA, { crypto: nodeCrypto });
const app = buildEspImage({ crypto: nodeCrypto, chip: 'esp32c3', kind: 'app', size: 0x8000, seed: 4, projectName: 'round-trip', version: '3.1.4' });
const otadata = buildOtadata({ slot: 1 });

describe('reflasher bundle then inspect', () => {
  const { privateKey, publicKey } = p256KeyPair();
  const keyPath = join(dir, 'key.pem');
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));

  test('writes a signed bundle whose manifest names every image by kind, region and hash; inspect reads each back', () => {
    const out = join(dir, 'signed');
    const r = reflasher(['bundle', '--chip', 'esp32c3', '--image', `${file('bl.bin', bootloader)}@0x0`, '--image', `${file('pt.bin', table)}@0x8000`,
      '--image', `${file('od.bin', otadata)}@0xd000`, '--image', `${file('app.bin', app)}@0x110000:main`, '--key', keyPath, '--version', '9', '--out', out, '--json']);
    expect(r.status).toBe(0);
    const manifestBytes = readFileSync(join(out, 'manifest.json'));
    const manifest = JSON.parse(manifestBytes.toString());
    expect(manifest.version).toBe(9);
    expect(manifest.chip).toBe('esp32c3');
    expect(manifest.images.map((i: any) => [i.name, i.kind, i.destination, i.regionSize])).toEqual([
      ['bootloader', 'bootloader', '0x0', '0x8000'],
      ['partition-table', 'partition-table', '0x8000', '0x1000'],
      ['otadata', 'otadata', '0xd000', '0x2000'],
      ['main', 'app', '0x110000', '0x100000'], // the ota_0 partition of the bundled table
    ]);
    for (const [img, bytes] of [[manifest.images[0], bootloader], [manifest.images[3], app]] as const) {
      expect(img.sha256).toBe(sha(bytes));
      expect(readFileSync(join(out, img.source)).equals(Buffer.from(bytes))).toBe(true);
    }
    // The signature is raw r||s over the manifest's exact bytes, as the firmware checks it.
    const sig = readFileSync(join(out, 'manifest.sig'));
    expect(sig).toHaveLength(64);
    expect(nodeCrypto.verifyP256(publicKey, manifestBytes, sig)).toBe(true);
    expect(nodeCrypto.verifyP256(publicKey, Buffer.concat([manifestBytes, Buffer.from(' ')]), sig)).toBe(false);

    const appReport = JSON.parse(reflasher(['inspect', join(out, 'main.bin'), '--json']).stdout);
    expect(appReport.kind).toBe('app');
    expect(appReport.chip).toBe('esp32c3');
    expect(appReport.report.appDescriptor.projectName).toBe('round-trip');
    expect(appReport.report.appDescriptor.version).toBe('3.1.4');
    expect(appReport.report.checks.every((c: any) => c.ok)).toBe(true);
    const tableReport = JSON.parse(reflasher(['inspect', join(out, 'partition-table.bin'), '--json']).stdout);
    expect(tableReport.kind).toBe('partition-table');
    expect(tableReport.report.entries.map((e: any) => e.label)).toEqual(TWO_OTA.map((e) => e.label));
    const od = JSON.parse(reflasher(['inspect', join(out, 'otadata.bin'), '--json']).stdout);
    expect(od.kind).toBe('otadata');
    const bl = reflasher(['inspect', join(out, 'bootloader.bin')]);
    expect(bl.status).toBe(0);
    expect(bl.stdout).toMatch(/bootloader, 20480 bytes, checked for esp32c3/);
  });

  test('an unsigned bundle has no manifest.sig, even where a signed one was before', () => {
    const out = join(dir, 'signed-then-not');
    expect(reflasher(['bundle', '--chip', 'esp32c3', '--image', `${file('a1.bin', app)}@0x110000`, '--key', keyPath, '--out', out]).status).toBe(0);
    expect(existsSync(join(out, 'manifest.sig'))).toBe(true);
    const r = reflasher(['bundle', '--chip', 'esp32c3', '--image', `${file('a1.bin', app)}@0x110000`, '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/UNSIGNED/);
    expect(existsSync(join(out, 'manifest.sig'))).toBe(false);
  });

  test('a tampered image is refused with its code, by bundle and by inspect, and nothing is written', () => {
    const bad = Uint8Array.from(app);
    bad[0x200] ^= 0x01; // inside segment 0's data: the XOR checksum no longer matches
    const out = join(dir, 'tampered');
    const r = reflasher(['bundle', '--chip', 'esp32c3', '--image', `${file('bad.bin', bad)}@0x110000`, '--out', out, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('IMAGE_CHECKSUM');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const i = reflasher(['inspect', join(dir, 'bad.bin')]);
    expect(i.status).toBe(1);
    expect(i.stderr).toMatch(/^reflasher: error IMAGE_CHECKSUM: /);
  });

  test('images for another chip, at the wrong place, or overlapping are refused with their codes', () => {
    const esp32App = buildEspImage({ crypto: nodeCrypto, chip: 'esp32', kind: 'app', size: 0x4000 });
    const code = (args: string[]) => JSON.parse(reflasher([...args, '--json']).stdout).error.code;
    expect(code(['bundle', '--chip', 'esp32c3', '--image', `${file('e32.bin', esp32App)}@0x110000`, '--out', join(dir, 'x1')])).toBe('IMAGE_CHIP_MISMATCH');
    // The bundled table has no app partition at 0x100000.
    expect(code(['bundle', '--chip', 'esp32c3', '--image', `${file('pt2.bin', table)}@0x8000`, '--image', `${file('a2.bin', app)}@0x100000`, '--out', join(dir, 'x2')])).toBe('BUNDLE_DESTINATION');
    expect(code(['bundle', '--chip', 'esp32c3', '--image', `${file('bl2.bin', bootloader)}@0x1000`, '--out', join(dir, 'x3')])).toBe('BUNDLE_DESTINATION');
    expect(code(['bundle', '--chip', 'esp32c3', '--image', `${file('a3.bin', app)}@0x110000`, '--image', `${file('a4.bin', app)}@0x114000:other`, '--out', join(dir, 'x4')])).toBe('BUNDLE_OVERLAP');
  });

  test('usage mistakes exit 2', () => {
    expect(reflasher(['bundle', '--chip', 'esp32', '--out', join(dir, 'u')]).status).toBe(2);
    expect(reflasher(['bundle', '--chip', 'esp99', '--image', 'a@0', '--out', join(dir, 'u')]).status).toBe(2);
    expect(reflasher(['bundle', '--chip', 'esp32', '--image', 'no-address.bin', '--out', join(dir, 'u')]).status).toBe(2);
    expect(reflasher(['inspect', join(dir, 'missing.bin')]).status).toBe(2);
  });

  test('inspect of an MCUboot image and of a whole flash dump', () => {
    const mcuboot = buildMcubootImage({ crypto: nodeCrypto, bodySize: 0x3000 });
    const m = JSON.parse(reflasher(['inspect', file('mcu.bin', mcuboot), '--json']).stdout);
    expect(m.kind).toBe('mcuboot');
    const flash = makeFlash({ chip: 'esp32c3', apps: ['factory', 'ota_0'], otadataSlot: 0 });
    const d = JSON.parse(reflasher(['inspect', file('dump.bin', flash), '--json']).stdout);
    expect(d.type).toBe('flash-dump');
    expect(d.chip).toBe('esp32c3');
    expect(d.boot.boots).toBe(true);
    expect(d.boot.image.label).toBe('ota_0');
    expect(d.partitions.map((x: any) => x.partition.label)).toEqual(TWO_OTA.map((e) => e.label));
    const text = reflasher(['inspect', join(dir, 'dump.bin')]).stdout;
    expect(text).toMatch(/boots: app "ota_0"/);
  });

  test('--help prints examples for every new command', () => {
    for (const c of ['bundle', 'inspect', 'partitions', 'simulate', 'demo']) {
      const r = reflasher([c, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Examples:/);
    }
  });
});
