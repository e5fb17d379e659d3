import RawFlash from '../../modules/rawflash/rawflash';
import * as partitions from '../../modules/partitions/partitions';
import * as system from '../../modules/system/system';
import type { ByteSource, CryptoPort, FlashPort, ImageSource, PartitionPort, Platform, ReportPort, SourcePort } from '../core/ports';
import { createCrypto } from './crypto';
import { createHttpSources, type HttpSourceOptions } from './http-source';
import { fromNative } from './native-errors';
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
 * The modules' coded errors become ReflashErrors here.
 * @throws ReflashError `FLASH_IO` when the flash cannot be opened.
 */
export function devicePlatform(options: DevicePlatformOptions): Platform {
  let raw: RawFlash;
  try {
    raw = new RawFlash();
  } catch (e) {
    throw fromNative(e);
  }
  const http = options.http ?? createHttpSources(options.httpOptions ?? {});
  return {
    flash: flashPort(raw),
    partitions: partitionPort(raw),
    sources: {
      open(source: ImageSource, offset: number): Promise<ByteSource> {
        if (!('resource' in source)) return http.open(source, offset);
        try {
          return Promise.resolve(openResource(source.resource, offset));
        } catch (e) {
          return Promise.reject(e);
        }
      },
    },
    crypto: options.crypto ?? createCrypto(),
    clock: { now: () => system.ticks() },
    report: options.report,
  };
}

// try/catch rather than a callback per call: nothing is allocated per sector.
function flashPort(raw: RawFlash): FlashPort {
  return {
    size: raw.size,
    sectorSize: raw.sectorSize,
    read(address: number, target: Uint8Array): void {
      try {
        raw.read(address, target);
      } catch (e) {
        throw fromNative(e);
      }
    },
    erase(address: number, length: number): void {
      try {
        raw.erase(address, length);
      } catch (e) {
        throw fromNative(e);
      }
    },
    write(address: number, data: Uint8Array): void {
      try {
        raw.write(address, data);
      } catch (e) {
        throw fromNative(e);
      }
    },
  };
}

function partitionPort(raw: RawFlash): PartitionPort {
  return {
    layout() {
      try {
        return { chip: raw.chip, bootloaderOffset: raw.bootloaderOffset, partitionTableOffset: partitions.tableOffset() };
      } catch (e) {
        throw fromNative(e);
      }
    },
    list: () => partitions.list(),
    running() {
      try {
        return partitions.running();
      } catch (e) {
        throw fromNative(e);
      }
    },
  };
}
