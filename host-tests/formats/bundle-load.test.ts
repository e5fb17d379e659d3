import type { ByteSource, ImageSource, LogLevel, Platform } from '../../src/core/ports';
import { ReflashError } from '../../src/core/errors';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { describeImage, loadBundle, serializeManifest, signatureSource } from '../../src/core/bundle';
import { nodeCrypto, p256KeyPair, signP256 } from './node-crypto';
import { MB } from './fixtures';

const crypto = nodeCrypto;
const app = buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 8192 });
const manifest = serializeManifest({
  format: 1, chip: 'esp32', minFlashSize: 4 * MB, version: 4,
  images: [describeImage({ name: 'app', kind: 'app', source: 'app.bin', destination: 0x110000, regionSize: 0x100000, bytes: app, crypto })],
});
const keys = p256KeyPair();

/** A platform whose sources serve `files` (by URL or resource name) in 100-byte reads; the rest is unused here. */
function platform(files: Record<string, Uint8Array>, chip = 'esp32') {
  const logs: Array<[LogLevel, string]> = [];
  const opened: string[] = [];
  const closed: string[] = [];
  const key = (s: ImageSource) => ('url' in s ? s.url : 'resource:' + s.resource);
  const p = {
    flash: { size: 4 * MB },
    partitions: { layout: () => ({ chip, bootloaderOffset: 0x1000, partitionTableOffset: 0x8000 }) },
    crypto,
    report: { log: (level: LogLevel, m: string) => logs.push([level, m]), progress() {} },
    sources: {
      async open(source: ImageSource): Promise<ByteSource> {
        const k = key(source);
        opened.push(k);
        const bytes = files[k];
        if (!bytes) throw new ReflashError('SOURCE_NOT_FOUND', `${k}: 404`);
        let at = 0;
        return {
          length: bytes.length, flashRange: undefined,
          async read(target) { const n = Math.min(100, target.length, bytes.length - at); target.set(bytes.subarray(at, at + n)); at += n; return n; },
          close() { closed.push(k); },
        };
      },
    },
  } as unknown as Platform;
  return { p, logs, opened, closed };
}

const URL = 'http://127.0.0.1:8080/b/manifest.json';
const SIG = 'http://127.0.0.1:8080/b/manifest.sig';

describe('loadBundle', () => {
  test('signed, with a key: the job, sources resolved against the manifest URL; every source closed', async () => {
    const { p, logs, opened, closed } = platform({ [URL]: manifest, [SIG]: signP256(keys.privateKey, manifest) });
    const job = await loadBundle({ source: { url: URL }, publicKey: keys.publicKey, platform: p });
    expect(job.images[0]).toMatchObject({ name: 'app', source: { url: 'http://127.0.0.1:8080/b/app.bin' }, destination: 0x110000, kind: 'app' });
    expect(opened).toEqual([URL, SIG]);
    expect(closed).toEqual(opened);
    expect(logs.some(([l, m]) => l === 'info' && /signature verified/.test(m))).toBe(true);
  });

  test('without a key: no signature fetched, a loud warning', async () => {
    const { p, logs, opened } = platform({ 'resource:bundle.json': manifest });
    const job = await loadBundle({ source: { resource: 'bundle.json' }, publicKey: undefined, platform: p });
    expect(job.images[0].source).toEqual({ url: 'app.bin' });
    expect(opened).toEqual(['resource:bundle.json']);
    expect(logs).toEqual([['warn', expect.stringMatching(/UNSIGNED/)]]);
  });

  test.each([
    ['no signature', { [URL]: manifest }, 'SIGNATURE_MISSING'],
    ['a bad signature', { [URL]: manifest, [SIG]: signP256(p256KeyPair().privateKey, manifest) }, 'SIGNATURE_INVALID'],
    ['a long signature', { [URL]: manifest, [SIG]: new Uint8Array(100) }, 'SIGNATURE_FORMAT'],
    ['a short signature', { [URL]: manifest, [SIG]: new Uint8Array(10) }, 'SIGNATURE_FORMAT'],
    ['a huge manifest', { [URL]: new Uint8Array(70000).fill(0x20) }, 'BUNDLE_TOO_LARGE'],
    ['no manifest', {}, 'SOURCE_NOT_FOUND'],
  ] as Array<[string, Record<string, Uint8Array>, string]>)('%s is refused', async (_n, files, code) => {
    const { p, opened, closed } = platform(files);
    await expect(loadBundle({ source: { url: URL }, publicKey: keys.publicKey, platform: p })).rejects.toMatchObject({ code });
    expect(closed.length).toBe(opened.filter((k) => files[k]).length);
  });

  test('another chip and an old version are refused; the device facts come from the platform', async () => {
    const files = { [URL]: manifest, [SIG]: signP256(keys.privateKey, manifest) };
    await expect(loadBundle({ source: { url: URL }, publicKey: keys.publicKey, platform: platform(files, 'esp32c3').p })).rejects.toMatchObject({ code: 'BUNDLE_CHIP_MISMATCH' });
    await expect(loadBundle({ source: { url: URL }, publicKey: keys.publicKey, minVersion: 5, platform: platform(files).p })).rejects.toMatchObject({ code: 'BUNDLE_VERSION_TOO_OLD' });
  });

  test('signature location', () => {
    expect(signatureSource({ url: 'http://h/b/manifest.json?t=1' })).toEqual({ url: 'http://h/b/manifest.sig?t=1' });
    expect(signatureSource({ url: 'http://h/b/bundle' })).toEqual({ url: 'http://h/b/bundle.sig' });
    expect(signatureSource({ resource: 'manifest.json' })).toEqual({ resource: 'manifest.sig' });
  });
});
