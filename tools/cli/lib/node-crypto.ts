/** The engine's CryptoPort on Node's crypto, for the CLI's checks; and manifest signing. */
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { CryptoPort } from '../../../src/core/ports';

export const nodeCrypto: CryptoPort = {
  sha256() {
    const h = createHash('sha256');
    return {
      update(data: Uint8Array) { h.update(data); },
      digest() { return new Uint8Array(h.digest()); },
    };
  },
  md5(data: Uint8Array) {
    return new Uint8Array(createHash('md5').update(data).digest());
  },
  verifyP256(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) {
    if (publicKey.length !== 65 || signature.length !== 64) return false;
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(publicKey.subarray(1, 33)), y: b64(publicKey.subarray(33, 65)) }, format: 'jwk' });
    return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  },
};

/** manifest.sig: raw r || s (64 bytes) over SHA-256 of the manifest's bytes (docs/bundle-format.md). */
export function signManifest(privatePem: string, manifest: Uint8Array): Uint8Array {
  const key = createPrivateKey(privatePem);
  return new Uint8Array(sign('sha256', manifest, { key, dsaEncoding: 'ieee-p1363' }));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
