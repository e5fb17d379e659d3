import { Sha256, md5, verifyP256 } from '../../modules/crypto/crypto';
import type { CryptoPort } from '../core/ports';
import { callNative } from './native-errors';

/** The engine's hashing and signature checks over the `crypto` native module (PSA Crypto). */
export function createCrypto(): CryptoPort {
  return {
    sha256: () => new Sha256(),
    md5: (data) => md5(data),
    verifyP256: (publicKey, message, signature) => callNative(() => verifyP256(publicKey, message, signature)),
  };
}
