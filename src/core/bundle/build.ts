import type { CryptoPort } from '../ports';
import type { ImageKind } from '../job';
import { alignUp, toHex } from '../formats/bytes';
import type { BundleImage } from './manifest';

/**
 * A manifest entry for bytes in hand: size and SHA-256 computed, the region
 * defaulting to the size rounded up to 4 KiB.
 */
export function describeImage(o: { name: string; kind: ImageKind; source: string; destination: number; regionSize?: number; bytes: Uint8Array; crypto: CryptoPort }): BundleImage {
  const sha = o.crypto.sha256();
  sha.update(o.bytes);
  return {
    name: o.name, kind: o.kind, source: o.source, destination: o.destination,
    regionSize: o.regionSize ?? alignUp(o.bytes.length, 0x1000), size: o.bytes.length, sha256: toHex(sha.digest()),
  };
}
