import { loadBundle, readAll, signatureSource, MANIFEST_LIMIT, type BundleRules } from '../../src/app/load-bundle';
import { parseConfig } from '../../src/app/config';
import { ReflashError } from '../../src/core/errors';
import type { ByteSource, ImageSource, Platform } from '../../src/core/ports';
import type { JobSpec } from '../../src/core/job';

function source(bytes: Uint8Array, chunk = 7, announce = true): ByteSource & { closed: number } {
  let pos = 0;
  const s = {
    closed: 0,
    length: announce ? bytes.length : undefined,
    flashRange: undefined,
    async read(target: Uint8Array) {
      const n = Math.min(chunk, target.length, bytes.length - pos);
      target.set(bytes.subarray(pos, pos + n));
      pos += n;
      return n;
    },
    close() { s.closed++; },
  };
  return s;
}

const text = (s: string) => new TextEncoder().encode(s);

/** A platform whose sources serve `files` by URL or resource name; every other port is unused here. */
function platform(files: Record<string, Uint8Array | ReflashError>, opened: string[] = []): Platform {
  return {
    flash: { size: 0x400000, sectorSize: 4096, read() {}, erase() {}, write() {} },
    partitions: { layout: () => ({ chip: 'esp32c3', bootloaderOffset: 0, partitionTableOffset: 0x8000 }), list: () => [], running: () => { throw new Error('unused'); } },
    sources: {
      async open(src: ImageSource) {
        const key = 'url' in src ? src.url : `resource:${src.resource}`;
        opened.push(key);
        const f = files[key];
        if (f === undefined) throw new ReflashError('SOURCE_NOT_FOUND', `${key}: 404`);
        if (f instanceof ReflashError) throw f;
        return source(f);
      },
    },
    crypto: { sha256: () => { throw new Error('unused'); }, md5: () => new Uint8Array(16), verifyP256: () => true },
    clock: { now: () => 0 },
    report: { progress() {}, log() {} },
  };
}

/** Records what the rules were asked, and returns a fixed job. */
function rules() {
  const calls: Array<{ manifest: string; signature: number | undefined; policy: object }> = [];
  const toJobCalls: object[] = [];
  const r: BundleRules<string> = {
    verify(bytes, signature, policy) {
      calls.push({ manifest: new TextDecoder().decode(bytes), signature: signature?.length, policy });
      return { manifest: 'M', signed: signature !== undefined, warnings: signature ? [] : ['unsigned'] };
    },
    toJob(manifest, opts): JobSpec {
      toJobCalls.push({ manifest, ...opts });
      return { images: [{ name: 'app', source: { url: 'x' }, destination: 0x10000 }] };
    },
  };
  return { r, calls, toJobCalls };
}

describe('signatureSource', () => {
  test.each([
    [{ url: 'https://h/b/manifest.json' }, { url: 'https://h/b/manifest.sig' }],
    [{ url: 'https://h/b/manifest.json?token=a.b' }, { url: 'https://h/b/manifest.sig?token=a.b' }],
    [{ url: 'https://h/v1.2/bundle' }, { url: 'https://h/v1.2/bundle.sig' }],
    [{ resource: 'manifest.bundle' }, { resource: 'manifest.sig' }],
  ])('%j -> %j', (from, to) => expect(signatureSource(from as ImageSource)).toEqual(to));
});

describe('readAll', () => {
  test('joins chunks and closes the source', async () => {
    const s = source(text('abcdefghijklmnopqrstuvwxyz'), 5, false);
    expect(new TextDecoder().decode(await readAll(s, 100, 'x'))).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(s.closed).toBe(1);
  });
  test('refuses an announced length over the limit before reading, and still closes', async () => {
    const s = source(new Uint8Array(MANIFEST_LIMIT + 1));
    await expect(readAll(s, MANIFEST_LIMIT, 'm')).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    expect(s.closed).toBe(1);
  });
  test('refuses an unannounced stream that runs past the limit', async () => {
    await expect(readAll(source(new Uint8Array(300), 64, false), 256, 'm')).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
  });
  test('exactly the limit is accepted', async () => {
    expect((await readAll(source(new Uint8Array(256), 64, false), 256, 'm')).length).toBe(256);
  });
});

describe('loadBundle', () => {
  const url = 'https://fleet.example/b/manifest.json';

  test('download mode: manifest and signature by URL, policy from the device, base URL and staging to the job', async () => {
    const { r, calls, toJobCalls } = rules();
    const key = '04' + '11'.repeat(64);
    const config = parseConfig({ bundle: url, publicKey: key, staging: 'ota_1' });
    const out = await loadBundle(config, platform({ [url]: text('{"m":1}'), 'https://fleet.example/b/manifest.sig': new Uint8Array(64) }), r);
    expect(calls).toEqual([{ manifest: '{"m":1}', signature: 64, policy: { chip: 'esp32c3', flashSize: 0x400000, publicKey: config.publicKey } }]);
    expect(toJobCalls).toEqual([{ manifest: 'M', baseUrl: url, staging: 'ota_1', forceStaging: false }]);
    expect(out.signed).toBe(true);
    expect(out.job.images).toHaveLength(1);
  });

  test('embedded mode: resources, no base URL', async () => {
    const { r, toJobCalls } = rules();
    const opened: string[] = [];
    await loadBundle(parseConfig({ mode: 'embedded' }), platform({ 'resource:manifest.bundle': text('{}') }, opened), r);
    expect(opened).toEqual(['resource:manifest.bundle', 'resource:manifest.sig']);
    expect(toJobCalls).toEqual([{ manifest: 'M', forceStaging: false }]);
  });

  test('an absent signature is passed on as undefined (the rules decide)', async () => {
    const { r, calls } = rules();
    const out = await loadBundle(parseConfig({ bundle: url }), platform({ [url]: text('{}') }), r);
    expect(calls[0].signature).toBeUndefined();
    expect(out.warnings).toEqual(['unsigned']);
  });

  test('a signature that cannot be fetched for another reason fails the load', async () => {
    const { r, calls } = rules();
    const p = platform({ [url]: text('{}'), 'https://fleet.example/b/manifest.sig': new ReflashError('SOURCE_TIMEOUT', 'stalled') });
    await expect(loadBundle(parseConfig({ bundle: url }), p, r)).rejects.toMatchObject({ code: 'SOURCE_TIMEOUT' });
    expect(calls).toHaveLength(0);
  });

  test('a missing manifest fails with the source\'s code', async () => {
    await expect(loadBundle(parseConfig({ bundle: url }), platform({}), rules().r)).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });
});
