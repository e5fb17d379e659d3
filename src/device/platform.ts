import RawFlash from '../../modules/rawflash/rawflash';
import * as partitions from '../../modules/partitions/partitions';
import * as system from '../../modules/system/system';
import { ReflashError } from '../core/errors';
import type { ByteSource, CryptoPort, ImageSource, PartitionPort, Platform, ReportPort, SourcePort } from '../core/ports';
import { openResource } from './resource-source';

export interface DevicePlatformOptions {
  /** Where progress and log lines go (trace on the host runner, the console log on the device). */
  report: ReportPort;
  /** SHA-256, MD5 and P-256 verification: `createCrypto()` of src/device/crypto.ts. */
  crypto: CryptoPort;
  /**
   * Opens `{ url }` sources: `createHttpSources(...)` of src/device/http-source.ts.
   * Without it, a job naming a URL is refused with `CONFIG_INVALID`.
   */
  http?: SourcePort;
}

/**
 * The engine's ports over the native modules: the same code on the device
 * and in the host runtime (where the modules run over a simulated flash).
 */
export function devicePlatform(options: DevicePlatformOptions): Platform {
  const flash = new RawFlash();
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
      if (options.http) return options.http.open(source, offset);
      return Promise.reject(new ReflashError('CONFIG_INVALID', `image source ${source.url}: this firmware has no HTTP client; embed the image as a resource or build with the http module`, { url: source.url }));
    },
  };
  return {
    flash,
    partitions: partitionPort,
    sources,
    crypto: options.crypto,
    clock: { now: () => system.ticks() },
    report: options.report,
  };
}
