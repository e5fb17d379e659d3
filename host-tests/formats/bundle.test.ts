import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { buildPartitionTable } from '../../src/core/formats/partition-table';
import { buildOtadata } from '../../src/core/formats/otadata';
import { buildMcubootImage } from '../../src/core/formats/mcuboot';
import { arrayReader, utf8Encode } from '../../src/core/formats/bytes';
import {
  type BundleImage, type BundleManifest, bundleToJobSpec, checkBundleImages, describeImage, parseManifest, parsePublicKey,
  parseSource, resolveUrl, serializeManifest, verifyBundle,
} from '../../src/core/bundle';
import { nodeCrypto, p256KeyPair, signP256 } from './node-crypto';
import { codeOf } from './expect-code';
import { MB, TWO_OTA, p } from './fixtures';

const crypto = nodeCrypto;

/** A full bundle: new bootloader, new table (bigger ota_0), new app, otadata, raw data. */
function fullBundle() {
  const table = [p('nvs', 1, 2, 0x9000, 0x4000), p('otadata', 1, 0, 0xd000, 0x2000), p('phy_init', 1, 1, 0xf000, 0x1000), p('ota_0', 0, 0x10, 0x10000, 0x180000), p('ota_1', 0, 0x11, 0x190000, 0x180000), p('storage', 1, 0x82, 0x310000, 0xf0000)];
  const files: Record<string, Uint8Array> = {
    'bootloader.bin': buildEspImage({ crypto, chip: 'esp32', kind: 'bootloader', size: 0x6000 }),
    'partitions.bin': buildPartitionTable(table, { crypto }),
    'app.bin': buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 0x30000 }),
    'otadata.bin': buildOtadata({ slot: 0 }),
    'storage.bin': new Uint8Array(5000).fill(0x5a),
  };
  const images: BundleImage[] = [
    describeImage({ name: 'bootloader', kind: 'bootloader', source: 'bootloader.bin', destination: 0x1000, regionSize: 0x7000, bytes: files['bootloader.bin'], crypto }),
    describeImage({ name: 'table', kind: 'partition-table', source: 'partitions.bin', destination: 0x8000, regionSize: 0x1000, bytes: files['partitions.bin'], crypto }),
    describeImage({ name: 'app', kind: 'app', source: 'app.bin', destination: 0x10000, regionSize: 0x180000, bytes: files['app.bin'], crypto }),
    describeImage({ name: 'otadata', kind: 'otadata', source: 'otadata.bin', destination: 0xd000, regionSize: 0x2000, bytes: files['otadata.bin'], crypto }),
    describeImage({ name: 'storage', kind: 'raw', source: 'resource:storage', destination: 0x310000, bytes: files['storage.bin'], crypto }),
  ];
  const manifest: BundleManifest = { format: 1, chip: 'esp32', minFlashSize: 4 * MB, version: 7, images };
  const open = (img: BundleImage) => {
    const name = img.source.startsWith('resource:') ? img.source.slice(9) + '.bin' : img.source;
    return { read: arrayReader(files[name]), size: files[name].length };
  };
  return { manifest, files, open, table };
}

const ctx = { crypto, chip: 'esp32', bootloaderOffset: 0x1000, partitionTableOffset: 0x8000, flashSize: 4 * MB };

/** The manifest's JSON as an object, to edit one field and serialize it back. */
const base = () => JSON.parse(new TextDecoder().decode(serializeManifest(fullBundle().manifest)));
const bytes = (o: unknown) => utf8Encode(JSON.stringify(o));

describe('bundle manifest', () => {
  test('serialize -> parse round trip; addresses in hex', () => {
    const { manifest } = fullBundle();
    const text = serializeManifest(manifest);
    expect(new TextDecoder().decode(text)).toContain('"destination": "0x10000"');
    expect(parseManifest(text)).toEqual(manifest);
  });

  test('integers and hex strings are both accepted', () => {
    const o = base();
    o.minFlashSize = 4194304;
    o.images[0].destination = 4096;
    expect(parseManifest(bytes(o)).images[0].destination).toBe(0x1000);
  });

  const edits: Array<[string, (o: any) => void, string]> = [
    ['unknown top field', (o) => { o.extra = 1; }, 'BUNDLE_FIELD'],
    ['missing top field', (o) => { delete o.version; }, 'BUNDLE_FIELD'],
    ['unknown image field', (o) => { o.images[0].url = 'x'; }, 'BUNDLE_FIELD'],
    ['missing image field', (o) => { delete o.images[1].sha256; }, 'BUNDLE_FIELD'],
    ['format 2', (o) => { o.format = 2; }, 'BUNDLE_FORMAT_VERSION'],
    ['format as string', (o) => { o.format = '1'; }, 'BUNDLE_FORMAT_VERSION'],
    ['unknown chip', (o) => { o.chip = 'esp8266'; }, 'BUNDLE_FIELD'],
    ['chip not a string', (o) => { o.chip = 32; }, 'BUNDLE_FIELD'],
    ['negative version', (o) => { o.version = -1; }, 'BUNDLE_FIELD'],
    ['fractional version', (o) => { o.version = 1.5; }, 'BUNDLE_FIELD'],
    ['images not an array', (o) => { o.images = {}; }, 'BUNDLE_FIELD'],
    ['no images', (o) => { o.images = []; }, 'BUNDLE_FIELD'],
    ['image not an object', (o) => { o.images[0] = 'x'; }, 'BUNDLE_FIELD'],
    ['bad kind', (o) => { o.images[0].kind = 'firmware'; }, 'BUNDLE_FIELD'],
    ['bad name', (o) => { o.images[0].name = 'a b'; }, 'BUNDLE_FIELD'],
    ['upper-case sha', (o) => { o.images[0].sha256 = o.images[0].sha256.toUpperCase(); }, 'BUNDLE_FIELD'],
    ['short sha', (o) => { o.images[0].sha256 = 'abc'; }, 'BUNDLE_FIELD'],
    ['address as decimal string', (o) => { o.images[0].destination = '4096'; }, 'BUNDLE_FIELD'],
    ['address too large', (o) => { o.images[0].destination = 2 ** 32; }, 'BUNDLE_FIELD'],
    ['size zero', (o) => { o.images[4].size = 0; }, 'BUNDLE_FIELD'],
    ['minFlashSize unaligned', (o) => { o.minFlashSize = '0x400001'; }, 'BUNDLE_ALIGN'],
    ['destination unaligned', (o) => { o.images[2].destination = '0x10100'; }, 'BUNDLE_ALIGN'],
    ['region unaligned', (o) => { o.images[2].regionSize = '0x180100'; }, 'BUNDLE_ALIGN'],
    ['image larger than region', (o) => { o.images[4].regionSize = '0x1000'; }, 'BUNDLE_IMAGE_TOO_BIG'],
    ['region past the flash', (o) => { o.images[4].destination = '0x3ff000'; }, 'DEST_BOUNDS'],
    ['duplicate name', (o) => { o.images[1].name = 'bootloader'; }, 'BUNDLE_DUPLICATE'],
    ['overlap', (o) => { o.images[4].destination = '0x18f000'; }, 'BUNDLE_OVERLAP'],
    ['containment', (o) => { o.images[4].destination = '0x20000'; }, 'BUNDLE_OVERLAP'],
    ['absolute URL', (o) => { o.images[0].source = 'http://evil/x.bin'; }, 'BUNDLE_SOURCE'],
    ['rooted path', (o) => { o.images[0].source = '/etc/x.bin'; }, 'BUNDLE_SOURCE'],
    ['climbing path', (o) => { o.images[0].source = 'a/../../x.bin'; }, 'BUNDLE_SOURCE'],
    ['bad resource name', (o) => { o.images[0].source = 'resource:../x'; }, 'BUNDLE_SOURCE'],
    ['source not a string', (o) => { o.images[0].source = { url: 'x' }; }, 'BUNDLE_FIELD'],
  ];
  test.each(edits)('%s', (_n, edit, code) => {
    const o = base();
    edit(o);
    expect(codeOf(() => parseManifest(bytes(o)))).toBe(code);
  });

  test('JSON: repeated keys, bad syntax, bad UTF-8, deep nesting, oversize', () => {
    const good = new TextDecoder().decode(serializeManifest(fullBundle().manifest));
    expect(codeOf(() => parseManifest(utf8Encode(good.replace('"version": 7,', '"version": 7, "version": 9,'))))).toBe('BUNDLE_JSON');
    expect(codeOf(() => parseManifest(utf8Encode(good.slice(0, -3))))).toBe('BUNDLE_JSON');
    expect(codeOf(() => parseManifest(utf8Encode(good + 'x')))).toBe('BUNDLE_JSON');
    expect(codeOf(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('BUNDLE_JSON');
    expect(codeOf(() => parseManifest(utf8Encode('['.repeat(100) + ']'.repeat(100))))).toBe('BUNDLE_JSON');
    expect(codeOf(() => parseManifest(new Uint8Array(65537).fill(0x20)))).toBe('BUNDLE_TOO_LARGE');
    expect(codeOf(() => parseManifest(utf8Encode('[1]')))).toBe('BUNDLE_FIELD');
  });

  test('sources: relative URLs and resources', () => {
    expect(parseSource('app.bin')).toEqual({ url: 'app.bin' });
    expect(parseSource('v2/app.bin?token=a%20b')).toEqual({ url: 'v2/app.bin?token=a%20b' });
    expect(parseSource('resource:app-1.bin')).toEqual({ resource: 'app-1.bin' });
    expect(resolveUrl('http://h:8080/b/manifest.json?x=1', 'v2/app.bin')).toBe('http://h:8080/b/v2/app.bin');
    expect(resolveUrl('https://h/manifest.json', 'a.bin')).toBe('https://h/a.bin');
  });
});

describe('bundle signature and refusal rules', () => {
  const { privateKey, publicKey } = p256KeyPair();
  const manifestBytes = serializeManifest(fullBundle().manifest);
  const sig = signP256(privateKey, manifestBytes);
  const policy = { chip: 'esp32', flashSize: 4 * MB, publicKey };

  test('a signed bundle verifies with the key', () => {
    const v = verifyBundle(manifestBytes, sig, policy, crypto);
    expect(v.signed).toBe(true);
    expect(v.warnings).toEqual([]);
    expect(v.manifest.version).toBe(7);
  });

  test('with a key: unsigned, malformed, wrong-key and tampered bundles are refused', () => {
    expect(codeOf(() => verifyBundle(manifestBytes, undefined, policy, crypto))).toBe('SIGNATURE_MISSING');
    expect(codeOf(() => verifyBundle(manifestBytes, sig.subarray(0, 63), policy, crypto))).toBe('SIGNATURE_FORMAT');
    const other = p256KeyPair();
    expect(codeOf(() => verifyBundle(manifestBytes, signP256(other.privateKey, manifestBytes), policy, crypto))).toBe('SIGNATURE_INVALID');
    const tampered = manifestBytes.slice();
    tampered[tampered.length - 1] = 0x20; // the final newline made a space: same JSON meaning, other bytes
    expect(parseManifest(tampered)).toEqual(parseManifest(manifestBytes));
    expect(codeOf(() => verifyBundle(tampered, sig, policy, crypto))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => verifyBundle(manifestBytes, sig, { ...policy, publicKey: publicKey.subarray(1) }, crypto))).toBe('SIGNATURE_FORMAT');
  });

  test('another chip, an older version, a smaller flash are refused', () => {
    expect(codeOf(() => verifyBundle(manifestBytes, sig, { ...policy, chip: 'esp32c3' }, crypto))).toBe('BUNDLE_CHIP_MISMATCH');
    expect(codeOf(() => verifyBundle(manifestBytes, sig, { ...policy, minVersion: 8 }, crypto))).toBe('BUNDLE_VERSION_TOO_OLD');
    expect(verifyBundle(manifestBytes, sig, { ...policy, minVersion: 7 }, crypto).manifest.version).toBe(7);
    expect(codeOf(() => verifyBundle(manifestBytes, sig, { ...policy, flashSize: 2 * MB }, crypto))).toBe('BUNDLE_FLASH_TOO_SMALL');
  });

  test('without a key the bundle runs unsigned, and says so', () => {
    const v = verifyBundle(manifestBytes, undefined, { chip: 'esp32' }, crypto);
    expect(v.signed).toBe(false);
    expect(v.warnings[0]).toMatch(/UNSIGNED/);
    expect(verifyBundle(manifestBytes, sig, { chip: 'esp32' }, crypto).warnings[0]).toMatch(/NOT checked/);
    expect(codeOf(() => verifyBundle(manifestBytes, undefined, { chip: 'esp32s3' }, crypto))).toBe('BUNDLE_CHIP_MISMATCH');
  });

  test('public keys in config form', () => {
    const hex = Buffer.from(publicKey).toString('hex');
    expect(parsePublicKey(hex)).toEqual(publicKey);
    expect(parsePublicKey(hex.toUpperCase() + '\n')).toEqual(publicKey);
    expect(codeOf(() => parsePublicKey(hex.slice(2)))).toBe('SIGNATURE_FORMAT');
    expect(codeOf(() => parsePublicKey('05' + hex.slice(2)))).toBe('SIGNATURE_FORMAT');
    expect(codeOf(() => parsePublicKey('zz'))).toBe('SIGNATURE_FORMAT');
  });
});

describe('bundle images by kind and destination', () => {
  test('a full bundle passes, apps judged against the new table', () => {
    const { manifest, open } = fullBundle();
    const results = checkBundleImages(manifest, open, { ...ctx, currentPartitions: TWO_OTA });
    expect(results.map((r) => [r.name, r.report.format])).toEqual([
      ['bootloader', 'esp-image'], ['table', 'partition-table'], ['app', 'esp-image'], ['otadata', 'otadata'], ['storage', 'raw'],
    ]);
    expect(results[2].checks.find((c) => c.id === 'destination')!.message).toContain('ota_0');
  });

  const bad: Array<[string, (m: BundleManifest, files: Record<string, Uint8Array>) => void, string]> = [
    ['bootloader elsewhere', (m) => { m.images[0].destination = 0x2000; m.images[0].regionSize = 0x6000; }, 'BUNDLE_DESTINATION'],
    ['bootloader region into the table', (m) => { m.images[0].regionSize = 0x8000; }, 'BUNDLE_DESTINATION'],
    ['table elsewhere', (m) => { m.images[1].destination = 0x9000; }, 'BUNDLE_DESTINATION'],
    ['table region over a sector', (m) => { m.images[1].regionSize = 0x2000; }, 'BUNDLE_DESTINATION'],
    ['app not at an app partition of the new table', (m) => { m.images[2].destination = 0x110000; m.images[2].regionSize = 0x100000; }, 'BUNDLE_DESTINATION'],
    ['app region larger than the partition', (m) => { m.images[2].regionSize = 0x190000; }, 'BUNDLE_DESTINATION'],
    ['otadata not at the otadata partition', (m) => { m.images[3].destination = 0x9000; }, 'BUNDLE_DESTINATION'],
    ['size differs', (m) => { m.images[4].size = 4999; }, 'SIZE_MISMATCH'],
    ['hash differs', (m) => { m.images[4].sha256 = '0'.repeat(64); }, 'HASH_MISMATCH'],
    ['app for another chip', (m, f) => { replace(m, f, 2, 'app.bin', buildEspImage({ crypto, chip: 'esp32s3', kind: 'app', size: 0x30000 })); }, 'IMAGE_CHIP_MISMATCH'],
    ['bootloader too big for its room', (m, f) => { replace(m, f, 0, 'bootloader.bin', buildEspImage({ crypto, chip: 'esp32', kind: 'bootloader', size: 0x7010 })); m.images[0].regionSize = 0x8000; m.images[0].destination = 0x1000; }, 'BUNDLE_DESTINATION'],
    ['a bootloader that is an app', (m, f) => { replace(m, f, 0, 'bootloader.bin', buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 0x6000 })); }, 'IMAGE_KIND_MISMATCH'],
    ['a table that overlaps', (m, f) => { replace(m, f, 1, 'partitions.bin', buildPartitionTable([p('a', 0, 0, 0x10000, MB), p('b', 0, 0x10, 0x80000, MB)], { crypto })); }, 'PTABLE_OVERLAP'],
  ];
  test.each(bad)('%s', (_n, edit, code) => {
    const { manifest, files, open } = fullBundle();
    edit(manifest, files);
    expect(codeOf(() => checkBundleImages(manifest, open, ctx))).toBe(code);
  });

  test('without a new table, apps are judged against the device table; without any, a warning', () => {
    const { manifest, open } = fullBundle();
    const noTable = { ...manifest, images: manifest.images.filter((i) => i.kind !== 'partition-table' && i.kind !== 'otadata') };
    expect(codeOf(() => checkBundleImages(noTable, open, { ...ctx, currentPartitions: TWO_OTA }))).toBe('BUNDLE_DESTINATION');
    const r = checkBundleImages(noTable, open, ctx);
    expect(r.find((x) => x.name === 'app')!.checks.find((c) => c.id === 'destination')!.level).toBe('warning');
  });

  test('an MCUboot image is checked against its region as the slot', () => {
    const img = buildMcubootImage({ crypto, bodySize: 9000 });
    const entry = describeImage({ name: 'zephyr', kind: 'mcuboot', source: 'z.bin', destination: 0x20000, regionSize: 0x3000, bytes: img, crypto });
    const m: BundleManifest = { format: 1, chip: 'esp32', minFlashSize: 4 * MB, version: 1, images: [entry] };
    expect(checkBundleImages(m, () => ({ read: arrayReader(img), size: img.length }), ctx)[0].report.format).toBe('mcuboot');
    const broken = img.slice();
    broken[40] ^= 1;
    expect(codeOf(() => checkBundleImages({ ...m, images: [{ ...entry, sha256: describeImage({ ...entry, bytes: broken, crypto }).sha256 }] }, () => ({ read: arrayReader(broken), size: broken.length }), ctx))).toBe('MCUBOOT_HASH');
  });
});

function replace(m: BundleManifest, files: Record<string, Uint8Array>, index: number, file: string, bytes: Uint8Array) {
  files[file] = bytes;
  const img = m.images[index];
  m.images[index] = describeImage({ ...img, bytes, crypto });
}

describe('bundle to JobSpec', () => {
  test('every field carried over; URLs resolved against the manifest URL; resources kept', () => {
    const { manifest } = fullBundle();
    const job = bundleToJobSpec(manifest, { baseUrl: 'http://127.0.0.1:8080/b/manifest.json', staging: 'ota_1' });
    expect(job.staging).toBe('ota_1');
    expect(job.images[2]).toEqual({ name: 'app', source: { url: 'http://127.0.0.1:8080/b/app.bin' }, destination: 0x10000, regionSize: 0x180000, size: manifest.images[2].size, sha256: manifest.images[2].sha256, kind: 'app' });
    expect(job.images[4].source).toEqual({ resource: 'storage' });
    expect(bundleToJobSpec(manifest).images[0].source).toEqual({ url: 'bootloader.bin' });
  });
});
