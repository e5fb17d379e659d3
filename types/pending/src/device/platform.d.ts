import type { CryptoPort, Platform, ReportPort, SourcePort } from '../../../../src/core/ports';
export function devicePlatform(options: { report: ReportPort; crypto: CryptoPort; http?: SourcePort }): Platform;
