import type { JobSpec } from '../../../../../src/core/job';
import type { CryptoPort } from '../../../../../src/core/ports';
export interface BundleManifest { chip: string; version: number; minFlashSize: number }
export function verifyBundle(manifestBytes: Uint8Array, signature: Uint8Array | undefined,
  policy: { chip: string; flashSize?: number; publicKey?: Uint8Array }, crypto: CryptoPort): { manifest: BundleManifest; signed: boolean; warnings: string[] };
export function bundleToJobSpec(manifest: BundleManifest, opts?: { baseUrl?: string; staging?: string; forceStaging?: boolean }): JobSpec;
