/**
 * The engine's view of the world. Every platform (the device's native modules,
 * the host runtime's simulated ESP-IDF, the in-memory test flash) implements
 * these; nothing in `src/core/` imports Moddable or Node.
 *
 * Flash and hashing are synchronous: on the device they are blocking native
 * calls and a promise per sector would only cost heap. Sources are
 * asynchronous: an HTTP client delivers bytes from callbacks.
 */

/** Raw NOR flash at absolute addresses. */
export interface FlashPort {
  /** Total bytes of flash. */
  readonly size: number;
  /** Smallest erase unit: 4096 on every ESP32-class chip. */
  readonly sectorSize: number;
  /**
   * Fill `target` with the bytes at `address`.
   * @throws ReflashError `FLASH_BOUNDS` when the range leaves the flash.
   */
  read(address: number, target: Uint8Array): void;
  /**
   * Erase `length` bytes at `address` to 0xFF. The implementation picks the
   * largest erase unit alignment allows: 64 KiB blocks where aligned, else
   * 4 KiB sectors (ESP-IDF's esp_flash_erase_region never issues 32 KiB).
   * @param address multiple of `sectorSize`
   * @param length multiple of `sectorSize`
   * @throws ReflashError `FLASH_ALIGN`, `FLASH_BOUNDS`, `FLASH_PROTECTED`, `FLASH_IO`.
   */
  erase(address: number, length: number): void;
  /**
   * Program `data` at `address`. NOR: bits only go from 1 to 0, so the range
   * must have been erased.
   * @throws ReflashError `FLASH_BOUNDS`, `FLASH_PROTECTED`, `FLASH_IO`.
   */
  write(address: number, data: Uint8Array): void;
}

/** Partition types and subtypes as ESP-IDF numbers them (on flash: never renumber). */
export const PartitionType = Object.freeze({ app: 0x00, data: 0x01, bootloader: 0x02, partitionTable: 0x03 } as const);
export const AppSubtype = Object.freeze({ factory: 0x00, ota0: 0x10, ota15: 0x1f, test: 0x20 } as const);
export const DataSubtype = Object.freeze({
  ota: 0x00, phy: 0x01, nvs: 0x02, coredump: 0x03, nvsKeys: 0x04, efuse: 0x05,
  undefined: 0x06, fat: 0x81, spiffs: 0x82, littlefs: 0x83,
} as const);

/** One entry of the partition table the device booted with. */
export interface Partition {
  label: string;
  type: number;
  subtype: number;
  address: number;
  size: number;
  encrypted: boolean;
  readonly: boolean;
}

/** Where the fixed boot-chain pieces live on this chip and this build. */
export interface FlashLayout {
  /** e.g. "esp32", "esp32c3". */
  chip: string;
  /** 0x1000 on esp32/esp32s2, 0x0 on c3/s3/c2/c6/h2, 0x2000 on p4/c5. */
  bootloaderOffset: number;
  /** 0x8000 unless the build moved it. The table occupies at most 0xC00 bytes. */
  partitionTableOffset: number;
}

/** The partition table as the running firmware sees it, read at run time. */
export interface PartitionPort {
  layout(): FlashLayout;
  /** Every entry of the table, in table order. */
  list(): Partition[];
  /** The app partition this firmware runs from. */
  running(): Partition;
}

/** A stream of image bytes: an HTTP body or an embedded resource. */
export interface ByteSource {
  /** Total length when the source knows it (Content-Length, resource size). */
  readonly length: number | undefined;
  /**
   * Where the bytes live in this device's flash, for an embedded resource
   * (memory-mapped from the app image); undefined for network sources.
   */
  readonly flashRange: { address: number; size: number } | undefined;
  /**
   * Copy up to `target.length` next bytes into `target`.
   * @returns the count copied; 0 only at the end of the stream.
   * @throws ReflashError `SOURCE_*` codes on transport failures.
   */
  read(target: Uint8Array): Promise<number>;
  /** Release the connection or mapping. Safe to call twice. */
  close(): void;
}

/** Where an image's bytes come from. */
export type ImageSource = { url: string } | { resource: string };

/** Opens sources; `offset` resumes a download past bytes already staged. */
export interface SourcePort {
  open(source: ImageSource, offset: number): Promise<ByteSource>;
}

export interface Sha256 {
  update(data: Uint8Array): void;
  /** 32 bytes; the hash may not be updated afterwards. */
  digest(): Uint8Array;
}

export interface CryptoPort {
  sha256(): Sha256;
  /** MD5 of `data`, 16 bytes: only for the partition table's own checksum entry. */
  md5(data: Uint8Array): Uint8Array;
  /**
   * ECDSA P-256 over SHA-256 of `message`.
   * @param publicKey uncompressed point, 65 bytes (0x04 || X || Y)
   * @param signature raw r || s, 64 bytes
   */
  verifyP256(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export interface ClockPort {
  /** Milliseconds, monotonic. */
  now(): number;
}

export type Phase = 'plan' | 'download' | 'verify' | 'commit' | 'done';

export interface ProgressEvent {
  phase: Phase;
  /** Image name, absent for job-wide events. */
  image?: string;
  done: number;
  total: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ReportPort {
  progress(event: ProgressEvent): void;
  log(level: LogLevel, message: string): void;
}

/** Everything the engine needs from a platform. */
export interface Platform {
  flash: FlashPort;
  partitions: PartitionPort;
  sources: SourcePort;
  crypto: CryptoPort;
  clock: ClockPort;
  report: ReportPort;
}
