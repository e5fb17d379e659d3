/**
 * SHA-256, MD5 and ECDSA P-256 verification over the PSA Crypto API (Mbed TLS
 * 4.0 on the device, 2.28 on the host).
 */

/** Incremental SHA-256. Spent after `digest()`. */
export class Sha256 extends Native('xs_crypto_sha256_destructor') {
  constructor() {
    super();
    native('xs_crypto_sha256_constructor').call(this);
  }

  /** @throws Error after `digest()`. */
  update(data: Uint8Array): void {
    native('xs_crypto_sha256_update').call(this, data);
  }

  /**
   * @returns the 32-byte digest; the state is freed.
   * @throws Error after a first `digest()`.
   */
  digest(): Uint8Array {
    return new Uint8Array(native('xs_crypto_sha256_digest').call(this) as ArrayBuffer);
  }
}

/**
 * MD5 of `data`, 16 bytes: only for the partition table's checksum entry.
 * @throws Error when the build lacks MD5 (device: CONFIG_MBEDTLS_MD5_C).
 */
export function md5(data: Uint8Array): Uint8Array {
  return new Uint8Array(native('xs_crypto_md5').call(undefined, data) as ArrayBuffer);
}

/**
 * ECDSA P-256 over SHA-256 of `message`.
 * @param publicKey uncompressed point, 65 bytes (0x04 || X || Y)
 * @param signature raw r || s, 64 bytes; any other length does not verify
 * @throws Error `CONFIG_INVALID` when `publicKey` is not a P-256 point.
 */
export function verifyP256(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return native('xs_crypto_verify_p256').call(undefined, publicKey, message, signature) as boolean;
}
