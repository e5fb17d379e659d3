/**
 * The firmware's way in: fetch a bundle's manifest (and, when a key is
 * configured, its signature), apply the acceptance rules of verify.ts, and
 * turn it into the engine's job. Nothing is erased or written here.
 *
 * The signature sits next to the manifest: the manifest's URL or resource
 * name with a final ".json" replaced by ".sig" (".sig" appended otherwise):
 * http://host/b/manifest.json -> http://host/b/manifest.sig.
 */
import type { ImageSource, Platform } from '../ports';
import type { JobSpec } from '../job';
import { ReflashError } from '../errors';
import { MANIFEST_MAX_BYTES } from './manifest';
import { P256_SIGNATURE_BYTES, verifyBundle } from './verify';
import { bundleToJobSpec } from './to-job';

export interface LoadBundleOptions {
  /** Where the manifest is: its URL, or the resource name of an embedded bundle. */
  source: ImageSource;
  /** Uncompressed P-256 point; when set, only a bundle signed with it is accepted. */
  publicKey: Uint8Array | undefined;
  /** Refuse bundles whose version is below this. */
  minVersion?: number;
  platform: Platform;
}

/** Where the signature of the manifest at `source` is. */
export function signatureSource(source: ImageSource): ImageSource {
  const sig = (s: string) => (s.endsWith('.json') ? s.slice(0, -5) : s) + '.sig';
  if ('url' in source) {
    const cut = source.url.search(/[?#]/);
    return cut < 0 ? { url: sig(source.url) } : { url: sig(source.url.slice(0, cut)) + source.url.slice(cut) };
  }
  return { resource: sig(source.resource) };
}

/**
 * Reads a whole small source, refusing more than `limit` bytes.
 * @returns undefined when more than `limit` bytes arrive
 */
async function readSmall(platform: Platform, source: ImageSource, limit: number): Promise<Uint8Array | undefined> {
  const stream = await platform.sources.open(source, 0);
  try {
    const buf = new Uint8Array(limit + 1);
    let n = 0;
    for (;;) {
      const got = await stream.read(buf.subarray(n));
      if (got === 0) return buf.slice(0, n);
      n += got;
      if (n > limit) return undefined;
    }
  } finally {
    stream.close();
  }
}

/**
 * @throws ReflashError `SOURCE_*` when the manifest cannot be fetched,
 * `BUNDLE_TOO_LARGE`, the signature and refusal codes of verifyBundle, and
 * parseManifest's codes. A missing signature is `SIGNATURE_MISSING` only when
 * a key is configured; without one the signature is not fetched at all.
 */
export async function loadBundle(options: LoadBundleOptions): Promise<JobSpec> {
  const { platform, source, publicKey } = options;
  const manifest = await readSmall(platform, source, MANIFEST_MAX_BYTES);
  if (!manifest) throw new ReflashError('BUNDLE_TOO_LARGE', `the manifest at ${describe(source)} is larger than ${MANIFEST_MAX_BYTES} bytes: is this a manifest?`, { limit: MANIFEST_MAX_BYTES });
  let signature: Uint8Array | undefined;
  if (publicKey) {
    const at = signatureSource(source);
    try {
      signature = await readSmall(platform, at, P256_SIGNATURE_BYTES);
    } catch (e) {
      if (!(e instanceof ReflashError) || e.code !== 'SOURCE_NOT_FOUND') throw e;
      throw new ReflashError('SIGNATURE_MISSING', `a public key is configured but there is no signature at ${describe(at)}: sign the bundle (reflasher bundle --key) or remove the key from the config`, {});
    }
    if (!signature) throw new ReflashError('SIGNATURE_FORMAT', `the signature at ${describe(at)} is longer than ${P256_SIGNATURE_BYTES} bytes (raw r || s): re-sign with reflasher bundle --key`, {});
  }
  const layout = platform.partitions.layout();
  const verified = verifyBundle(manifest, signature, { chip: layout.chip, flashSize: platform.flash.size, publicKey, minVersion: options.minVersion }, platform.crypto);
  for (const w of verified.warnings) platform.report.log('warn', w);
  if (verified.signed) platform.report.log('info', `bundle version ${verified.manifest.version} for ${verified.manifest.chip}: signature verified`);
  return bundleToJobSpec(verified.manifest, 'url' in source ? { baseUrl: source.url } : {});
}

function describe(s: ImageSource): string {
  return 'url' in s ? s.url : `resource "${s.resource}"`;
}
