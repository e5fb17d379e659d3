/**
 * Whether the firmware accepts a bundle, decided before anything is erased.
 *
 * Rules, in the order they are applied:
 *  1. With a public key configured: no signature -> SIGNATURE_MISSING; a
 *     signature that is not 64 bytes -> SIGNATURE_FORMAT; one that does not
 *     verify over the manifest's exact bytes -> SIGNATURE_INVALID. The
 *     signature is checked before the JSON is even parsed.
 *  2. The manifest must parse (parseManifest's codes).
 *  3. Another chip than the device's -> BUNDLE_CHIP_MISMATCH (always).
 *  4. A version below the configured minimum -> BUNDLE_VERSION_TOO_OLD.
 *  5. A device flash smaller than minFlashSize -> BUNDLE_FLASH_TOO_SMALL.
 * Without a key the bundle is accepted unsigned, and the result says so in
 * `warnings` for the app to log loudly.
 */
import type { CryptoPort } from '../ports';
import { ReflashError, hex } from '../errors';
import { fromHex } from '../formats/bytes';
import { type BundleManifest, parseManifest } from './manifest';

export const P256_PUBLIC_KEY_BYTES = 65;
export const P256_SIGNATURE_BYTES = 64;

export interface BundlePolicy {
  /** The device's chip, e.g. "esp32". */
  chip: string;
  /** The device's flash size in bytes. */
  flashSize?: number;
  /** Uncompressed P-256 point (0x04 || X || Y); when set, only signed bundles pass. */
  publicKey?: Uint8Array;
  /** Refuse bundles whose `version` is below this. */
  minVersion?: number;
}

export interface VerifiedBundle {
  manifest: BundleManifest;
  /** The signature was checked against the configured key. */
  signed: boolean;
  /** For the device log: e.g. that the bundle ran unsigned. */
  warnings: string[];
}

/**
 * A public key as the firmware config holds it: 130 hex digits, the 65-byte
 * uncompressed point starting 04 (`reflasher keygen` prints it).
 * @throws ReflashError `SIGNATURE_FORMAT` for anything else.
 */
export function parsePublicKey(text: string): Uint8Array {
  const key = fromHex(text.trim());
  if (!key || key.length !== P256_PUBLIC_KEY_BYTES || key[0] !== 0x04) {
    throw new ReflashError('SIGNATURE_FORMAT', `public key must be 130 hex digits (uncompressed P-256 point starting 04), got ${text.length} characters: copy it from reflasher keygen's output`, { length: text.length });
  }
  return key;
}

/**
 * Applies the acceptance rules above.
 * @param signature the bytes of manifest.sig, or undefined when there is none
 * @throws ReflashError the codes listed in the rules, and parseManifest's codes.
 */
export function verifyBundle(manifestBytes: Uint8Array, signature: Uint8Array | undefined, policy: BundlePolicy, crypto: CryptoPort): VerifiedBundle {
  const warnings: string[] = [];
  let signed = false;
  if (policy.publicKey) {
    const key = policy.publicKey;
    if (key.length !== P256_PUBLIC_KEY_BYTES || key[0] !== 0x04) {
      throw new ReflashError('SIGNATURE_FORMAT', `configured public key is ${key.length} bytes starting ${hex(key[0] ?? 0, 2)}; it must be the 65-byte uncompressed point starting 0x04`, { length: key.length });
    }
    if (!signature) throw new ReflashError('SIGNATURE_MISSING', 'a public key is configured but the bundle has no manifest.sig: sign it (reflasher bundle --key) or remove the key from the config', {});
    if (signature.length !== P256_SIGNATURE_BYTES) {
      throw new ReflashError('SIGNATURE_FORMAT', `manifest.sig is ${signature.length} bytes; it must be 64 (raw r || s): re-sign with reflasher bundle --key`, { length: signature.length });
    }
    if (!crypto.verifyP256(key, manifestBytes, signature)) {
      throw new ReflashError('SIGNATURE_INVALID', 'manifest.sig does not verify with the configured key: the manifest was changed after signing, or it was signed with another key', {});
    }
    signed = true;
  } else {
    warnings.push(signature ? 'no public key configured: the bundle signature was NOT checked' : 'no public key configured: running an UNSIGNED bundle');
  }
  const manifest = parseManifest(manifestBytes);
  if (manifest.chip !== policy.chip) {
    throw new ReflashError('BUNDLE_CHIP_MISMATCH', `bundle is for ${manifest.chip}, this device is ${policy.chip}: build the bundle for ${policy.chip}`, { bundle: manifest.chip, device: policy.chip });
  }
  if (policy.minVersion !== undefined && manifest.version < policy.minVersion) {
    throw new ReflashError('BUNDLE_VERSION_TOO_OLD', `bundle version ${manifest.version} is below the minimum ${policy.minVersion}: publish a newer bundle`, { version: manifest.version, minVersion: policy.minVersion });
  }
  if (policy.flashSize !== undefined && policy.flashSize < manifest.minFlashSize) {
    throw new ReflashError('BUNDLE_FLASH_TOO_SMALL', `bundle needs ${hex(manifest.minFlashSize)} bytes of flash, this device has ${hex(policy.flashSize)}`, { minFlashSize: manifest.minFlashSize, flashSize: policy.flashSize });
  }
  return { manifest, signed, warnings };
}
