import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { CryptoPort } from '../../src/core/ports';

/** The CryptoPort the host gives the engine, built on Node's crypto. */
export const nodeCrypto: CryptoPort = {
  sha256() {
    const h = createHash('sha256');
    let done = false;
    return {
      update(data: Uint8Array) {
        if (done) throw new Error('sha256 updated after digest');
        h.update(data);
      },
      digest() {
        done = true;
        return new Uint8Array(h.digest());
      },
    };
  },
  md5(data: Uint8Array) {
    return new Uint8Array(createHash('md5').update(data).digest());
  },
  verifyP256(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) {
    if (publicKey.length !== 65 || signature.length !== 64) return false;
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: b64u(publicKey.subarray(1, 33)), y: b64u(publicKey.subarray(33, 65)) },
      format: 'jwk',
    });
    return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  },
};

function b64u(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** A P-256 key pair: the public key as the 65-byte point the firmware config holds. */
export function p256KeyPair(): { privateKey: KeyObject; publicKey: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return { privateKey, publicKey: new Uint8Array(Buffer.concat([Buffer.from([4]), x, y])) };
}

/** Raw r||s signature over `message`, as `manifest.sig` holds it. */
export function signP256(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}
