/**
 * A whole Platform in memory for engine tests: a MemoryFlash, a partition
 * table from a list, sources from Uint8Arrays (chunking and failure
 * injection), Node's crypto, a manual clock and a report that records.
 */
import { pseudoRandomBytes } from '../../src/core/formats/bytes';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { ReflashError } from '../../src/core/errors';
import type {
  ByteSource, ClockPort, CryptoPort, FlashLayout, ImageSource, LogLevel, Partition, PartitionPort, Platform,
  ProgressEvent, ReportPort, Sha256, SourcePort,
} from '../../src/core/ports';
import { MemoryFlash } from './memory-flash';
import type { MemoryFlashOptions } from './memory-flash';

export const KiB = 1024;
export const MiB = 1024 * KiB;

export function part(label: string, type: number, subtype: number, address: number, size: number): Partition {
  return { label, type, subtype, address, size, encrypted: false, readonly: false };
}

/**
 * A common ESP32 4 MiB layout: bootloader at 0x1000, table at 0x8000, nvs,
 * otadata, phy, two 1 MiB OTA slots (running from ota_0), a free data
 * partition; flash past 0x320000 belongs to no partition.
 */
export function standardTable(): Partition[] {
  return [
    part('nvs', 0x01, 0x02, 0x9000, 0x6000),
    part('otadata', 0x01, 0x00, 0xf000, 0x2000),
    part('phy_init', 0x01, 0x01, 0x11000, 0x1000),
    part('ota_0', 0x00, 0x10, 0x20000, MiB),
    part('ota_1', 0x00, 0x11, 0x120000, MiB),
    part('storage', 0x01, 0x82, 0x220000, MiB),
  ];
}

export const ESP32_LAYOUT: FlashLayout = { chip: 'esp32', bootloaderOffset: 0x1000, partitionTableOffset: 0x8000 };

export interface SourceSpec {
  bytes: Uint8Array;
  /** Most bytes handed out per read; default: as many as the target holds. */
  chunk?: number;
  /** Announce `length` (default true). */
  announce?: boolean;
  /** Announce this length instead of the real one. */
  length?: number;
  /** Throw SOURCE_IO when a read would pass this byte offset. */
  failAt?: number;
  /** For embedded resources: where the bytes live in flash. */
  flashRange?: { address: number; size: number };
}

/** What each opened source saw: for asserting buffer reuse and closing. */
export interface SourceLog {
  key: string;
  offset: number;
  targets: Set<Uint8Array>;
  reads: number;
  closed: number;
}

export class MemorySources implements SourcePort {
  readonly specs = new Map<string, SourceSpec>();
  readonly opened: SourceLog[] = [];

  add(key: string, spec: SourceSpec): void {
    this.specs.set(key, spec);
  }

  async open(source: ImageSource, offset: number): Promise<ByteSource> {
    const key = 'url' in source ? source.url : source.resource;
    const spec = this.specs.get(key);
    if (!spec) throw new ReflashError('SOURCE_NOT_FOUND', `no test source "${key}"`);
    const log: SourceLog = { key, offset, targets: new Set(), reads: 0, closed: 0 };
    this.opened.push(log);
    return memorySource(spec, offset, log);
  }

  /** Opens of `key` that read at least one chunk. */
  reading(key: string): SourceLog[] {
    return this.opened.filter((o) => o.key === key && o.reads > 0);
  }
}

function memorySource(spec: SourceSpec, offset: number, log: SourceLog): ByteSource {
  let at = offset;
  return {
    length: spec.announce === false ? undefined : spec.length ?? spec.bytes.length,
    flashRange: spec.flashRange,
    async read(target: Uint8Array): Promise<number> {
      log.targets.add(target);
      log.reads++;
      const n = Math.min(target.length, spec.chunk ?? target.length, spec.bytes.length - at);
      if (spec.failAt !== undefined && at + n > spec.failAt) {
        throw new ReflashError('SOURCE_IO', `injected failure at byte ${spec.failAt}`);
      }
      target.set(spec.bytes.subarray(at, at + n));
      at += n;
      return n;
    },
    close(): void {
      log.closed++;
    },
  };
}

export const nodeCrypto: CryptoPort = {
  sha256(): Sha256 {
    const h = createHash('sha256');
    return {
      update: (data) => { h.update(data); },
      digest: () => new Uint8Array(h.digest()),
    };
  },
  md5: (data) => new Uint8Array(createHash('md5').update(data).digest()),
  verifyP256(publicKey, message, signature) {
    const jwk = {
      kty: 'EC', crv: 'P-256',
      x: Buffer.from(publicKey.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(publicKey.subarray(33, 65)).toString('base64url'),
    };
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  },
};

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export class ManualClock implements ClockPort {
  ms = 0;
  now(): number { return this.ms; }
  advance(ms: number): void { this.ms += ms; }
}

export class RecordingReport implements ReportPort {
  readonly events: ProgressEvent[] = [];
  readonly logs: Array<{ level: LogLevel; message: string }> = [];
  progress(event: ProgressEvent): void { this.events.push({ ...event }); }
  log(level: LogLevel, message: string): void { this.logs.push({ level, message }); }
  phases(): string[] { return this.events.map((e) => e.phase); }
}

export interface TestPlatformOptions {
  flashSize?: number;
  layout?: FlashLayout;
  partitions?: Partition[];
  /** Label of the running app partition; default ota_0. */
  running?: string;
  flash?: MemoryFlashOptions;
}

export interface TestPlatform {
  platform: Platform;
  flash: MemoryFlash;
  sources: MemorySources;
  report: RecordingReport;
  clock: ManualClock;
  partitions: Partition[];
}

export function makeTestPlatform(options: TestPlatformOptions = {}): TestPlatform {
  const flash = new MemoryFlash(options.flashSize ?? 4 * MiB, options.flash);
  const partitions = options.partitions ?? standardTable();
  const layout = options.layout ?? ESP32_LAYOUT;
  const runningLabel = options.running ?? 'ota_0';
  const running = partitions.find((p) => p.label === runningLabel);
  if (!running) throw new Error(`test table has no partition "${runningLabel}"`);
  const partitionPort: PartitionPort = { layout: () => layout, list: () => partitions, running: () => running };
  const sources = new MemorySources();
  const report = new RecordingReport();
  const clock = new ManualClock();
  const platform: Platform = { flash, partitions: partitionPort, sources, crypto: nodeCrypto, clock, report };
  return { platform, flash, sources, report, clock, partitions };
}

/** Deterministic pseudo-random bytes, different per seed (the formats' xorshift, seed spread by Knuth's multiplier). */
export function bytesOf(size: number, seed = 1): Uint8Array {
  return pseudoRandomBytes(size, (seed * 2654435761) >>> 0 || 1);
}
