import RawFlash from '../../modules/rawflash/rawflash';
import * as partitions from '../../modules/partitions/partitions';
import * as system from '../../modules/system/system';
import type { ByteSource, CryptoPort, ImageSource, PartitionPort, Platform, ReportPort, SourcePort } from '../core/ports';
import { createCrypto } from './crypto';
import { createHttpSources, type HttpSourceOptions } from './http-source';
import { openResource } from './resource-source';

export interface DevicePlatformOptions {
  /** Where progress and log lines go (trace on the host runner, the console log on the device). */
  report: ReportPort;
  /** Default: `createCrypto()` (PSA Crypto through the crypto module). */
  crypto?: CryptoPort;
  /** Settings of the default HTTP(S) source (CA, timeouts, redirects, resume). */
  httpOptions?: HttpSourceOptions;
  /** Opens `{ url }` sources instead of `createHttpSources(httpOptions)`. */
  http?: SourcePort;
}

/**
 * The engine's ports over the native modules: the same code on the device
 * and in the host runtime (where the modules run over a simulated flash).
 */
export function devicePlatform(options: DevicePlatformOptions): Platform {
  const flash = new RawFlash();
  const http = options.http ?? createHttpSources(options.httpOptions ?? {});
  const partitionPort: PartitionPort = {
    layout: () => ({ chip: flash.chip, bootloaderOffset: flash.bootloaderOffset, partitionTableOffset: partitions.tableOffset() }),
    list: () => partitions.list(),
    running: () => partitions.running(),
  };
  const sources: SourcePort = {
    open(source: ImageSource, offset: number): Promise<ByteSource> {
      if ('resource' in source) {
        try {
          return Promise.resolve(openResource(source.resource, offset));
        } catch (e) {
          return Promise.reject(e);
        }
      }
      return http.open(source, offset);
    },
  };
  return {
    flash,
    partitions: partitionPort,
    sources,
    crypto: options.crypto ?? createCrypto(),
    clock: { now: () => system.ticks() },
    report: options.report,
  };
}
