/**
 * From the configured bundle to the engine's job: read the manifest and its
 * detached signature through the platform's sources (HTTP in download mode,
 * resources in embedded mode), have the bundle rules accept them, and turn the
 * manifest into a JobSpec. Nothing is erased here.
 *
 * The bundle rules themselves (signature, chip, version, flash size; the
 * manifest's fields) live in src/core/bundle and are passed in, so this stays
 * testable on its own.
 */
import { ReflashError, isReflashError } from '../core/errors';
import type { JobSpec } from '../core/job';
import type { ByteSource, CryptoPort, ImageSource, Platform } from '../core/ports';
import type { FirmwareConfig } from './config';

/** The slice of src/core/bundle this needs. */
export interface BundleRules<M> {
  verify(manifestBytes: Uint8Array, signature: Uint8Array | undefined,
    policy: { chip: string; flashSize?: number; publicKey?: Uint8Array }, crypto: CryptoPort): { manifest: M; signed: boolean; warnings: string[] };
  toJob(manifest: M, opts: { baseUrl?: string; staging?: string; forceStaging?: boolean }): JobSpec;
}

/** docs/bundle-format.md: the manifest is at most 64 KiB; the signature is 64 bytes (read up to 1 KiB to report a wrong size). */
export const MANIFEST_LIMIT = 64 * 1024;
export const SIGNATURE_LIMIT = 1024;

/**
 * Where the signature sits: beside the manifest, its name with the extension
 * replaced by `.sig`. "https://h/b/manifest.json" -> "https://h/b/manifest.sig";
 * resource "manifest.bundle" -> "manifest.sig".
 */
export function signatureSource(manifest: ImageSource): ImageSource {
  const swap = (name: string) => {
    const slash = name.lastIndexOf('/');
    const dot = name.lastIndexOf('.');
    return (dot > slash ? name.slice(0, dot) : name) + '.sig';
  };
  if ('resource' in manifest) return { resource: swap(manifest.resource) };
  const cut = manifest.url.search(/[?#]/);
  return { url: swap(cut >= 0 ? manifest.url.slice(0, cut) : manifest.url) + (cut >= 0 ? manifest.url.slice(cut) : '') };
}

export function manifestSource(config: FirmwareConfig): ImageSource {
  return config.mode === 'embedded' ? { resource: config.bundle } : { url: config.bundle };
}

/**
 * Read a whole small source.
 * @throws ReflashError `SIZE_MISMATCH` past `limit` bytes, and the source's own codes.
 */
export async function readAll(source: ByteSource, limit: number, what: string): Promise<Uint8Array> {
  try {
    if (source.length !== undefined && source.length > limit) {
      throw new ReflashError('SIZE_MISMATCH', `${what} is ${source.length} bytes, more than the ${limit} allowed: is the URL or resource the right file?`, { length: source.length, limit });
    }
    const out = new Uint8Array(limit + 1);
    let used = 0;
    for (;;) {
      const n = await source.read(out.subarray(used));
      if (n === 0) break;
      used += n;
      if (used > limit) {
        throw new ReflashError('SIZE_MISMATCH', `${what} is more than the ${limit} bytes allowed: is the URL or resource the right file?`, { limit });
      }
    }
    return out.slice(0, used);
  } finally {
    source.close();
  }
}

export interface LoadedBundle {
  job: JobSpec;
  signed: boolean;
  warnings: string[];
}

/**
 * @throws ReflashError the source codes for the manifest; `SOURCE_*` for the
 *   signature except `SOURCE_NOT_FOUND` (an absent signature is passed on as
 *   such, and the rules refuse it when a key is configured); the rules' codes.
 */
export async function loadBundle<M>(config: FirmwareConfig, platform: Platform, rules: BundleRules<M>): Promise<LoadedBundle> {
  const where = manifestSource(config);
  const manifestBytes = await readAll(await platform.sources.open(where, 0), MANIFEST_LIMIT, 'the bundle manifest');
  let signature: Uint8Array | undefined;
  try {
    signature = await readAll(await platform.sources.open(signatureSource(where), 0), SIGNATURE_LIMIT, 'the bundle signature');
  } catch (e) {
    if (!(isReflashError(e) && e.code === 'SOURCE_NOT_FOUND')) throw e;
  }
  const policy: { chip: string; flashSize?: number; publicKey?: Uint8Array } = {
    chip: platform.partitions.layout().chip,
    flashSize: platform.flash.size,
  };
  if (config.publicKey) policy.publicKey = config.publicKey;
  const verified = rules.verify(manifestBytes, signature, policy, platform.crypto);
  const opts: { baseUrl?: string; staging?: string; forceStaging?: boolean } = { forceStaging: config.forceStaging };
  if ('url' in where) opts.baseUrl = where.url;
  if (config.staging !== undefined) opts.staging = config.staging;
  return { job: rules.toJob(verified.manifest, opts), signed: verified.signed, warnings: verified.warnings };
}
