import type { CryptoPort } from '../../../../src/core/ports';
export function createCrypto(): CryptoPort;
