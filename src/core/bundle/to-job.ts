import type { ImageSpec, JobSpec } from '../job';
import type { BundleManifest } from './manifest';
import { parseSource } from './manifest';

/**
 * Resolves a relative source against the manifest's URL:
 * ("http://h/b/manifest.json", "app.bin") -> "http://h/b/app.bin".
 */
export function resolveUrl(base: string, relative: string): string {
  const cut = base.search(/[?#]/);
  const path = cut >= 0 ? base.slice(0, cut) : base;
  return path.slice(0, path.lastIndexOf('/') + 1) + relative;
}

/**
 * The engine's job for a verified bundle: every image with its source,
 * destination, region, size, hash and kind.
 * @param opts.baseUrl the manifest's URL; without it URL sources stay relative
 */
export function bundleToJobSpec(manifest: BundleManifest, opts: { baseUrl?: string; staging?: string; forceStaging?: boolean } = {}): JobSpec {
  const images: ImageSpec[] = manifest.images.map((img) => {
    const src = parseSource(img.source, `image "${img.name}"`);
    const source = 'url' in src && opts.baseUrl !== undefined ? { url: resolveUrl(opts.baseUrl, src.url) } : src;
    return { name: img.name, source, destination: img.destination, regionSize: img.regionSize, size: img.size, sha256: img.sha256, kind: img.kind };
  });
  const job: JobSpec = { images };
  if (opts.staging !== undefined) job.staging = opts.staging;
  if (opts.forceStaging !== undefined) job.forceStaging = opts.forceStaging;
  return job;
}
