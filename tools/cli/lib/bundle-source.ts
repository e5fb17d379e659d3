/**
 * A bundle for the simulator: a directory (served on 127.0.0.1 for the run)
 * or a URL (used as is). Its manifest and images are also read here, for the
 * floor; the firmware in the host runtime fetches and verifies them itself.
 */
import { readFileSync, statSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { ReflashError } from '../../../src/core/errors';
import { type BundleManifest, parseManifest } from '../../../src/core/bundle/manifest';
import { resolveUrl } from '../../../src/core/bundle/to-job';
import { startServer } from '../commands/serve';

export interface BundleSource {
  /** The manifest's URL as the firmware is configured with it. */
  url: string;
  manifest: BundleManifest;
  images: Map<string, Uint8Array>;
  close(): Promise<void>;
}

/** GET with the CA the firmware is given (--ca), following no redirects (a bundle URL should be final). */
function fetchBytes(url: string, ca: string | undefined): Promise<Uint8Array> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const req = get(url, ca ? { ca } : {}, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new ReflashError('SOURCE_HTTP_STATUS', `${url}: HTTP ${res.statusCode}`, { url, status: res.statusCode ?? 0 }));
        return;
      }
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))));
      res.on('error', reject);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // Node's certificate failures (UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_CERT_IN_CHAIN,
      // CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID...) get the firmware's code for them.
      if (/CERT|SIGNATURE|TLS|SSL/.test(e.code ?? '')) {
        reject(new ReflashError('SOURCE_TLS', `${url}: ${e.message}${ca ? ' (checked against --ca)' : ': give the CA that signs the server with --ca'}`, { url }));
        return;
      }
      reject(new ReflashError('SOURCE_CONNECT', `${url}: ${e.message}: is the server up?`, { url }));
    });
  });
}

/**
 * @throws ReflashError parseManifest's codes; `SOURCE_*` for a URL that cannot be fetched.
 */
export async function openBundle(where: string, ca: string | undefined, log: (line: string) => void): Promise<BundleSource> {
  if (/^https?:\/\//i.test(where)) {
    const url = /\.json($|[?#])/.test(where) ? where : where.replace(/\/?$/, '/manifest.json');
    // The CLI's own fetch trusts Node's CAs; a private CA is only given to the firmware (--ca).
    const manifest = parseManifest(await fetchBytes(url, ca));
    const images = new Map<string, Uint8Array>();
    for (const img of manifest.images) images.set(img.name, await fetchBytes(resolveUrl(url, img.source), ca));
    return { url, manifest, images, close: async () => {} };
  }
  if (!statSync(where, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ReflashError('CONFIG_INVALID', `--bundle ${where}: neither a directory nor an http(s):// URL`, {});
  }
  const manifest = parseManifest(new Uint8Array(readFileSync(join(where, 'manifest.json'))));
  const images = new Map<string, Uint8Array>();
  for (const img of manifest.images) {
    if (img.source.startsWith('resource:')) throw new ReflashError('BUNDLE_SOURCE', `image "${img.name}" is ${img.source}: the simulator serves files only`, {});
    images.set(img.name, new Uint8Array(readFileSync(join(where, img.source.split('?')[0]))));
  }
  const server = await startServer({ dir: where, host: '127.0.0.1', port: 0, log });
  return { url: `${server.url}manifest.json`, manifest, images, close: server.close };
}
