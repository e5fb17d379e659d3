/**
 * The four scenarios of issue 8, built from the core's image and table
 * builders: what the device holds before the job (a whole 4 MiB ESP32 flash),
 * the bundle, and the operations esp-self-reflasher would issue for the same
 * job. Deterministic: the same bytes every run. Pure (no Node I/O).
 *
 * The device before every scenario is an ESP32 with ESP-IDF's "factory app,
 * two OTA definitions" table (partitions_two_ota.csv): nvs, otadata,
 * phy_init, factory, ota_0, ota_1 of 1 MiB each. The transitional firmware
 * arrived by OTA and runs from ota_0; factory holds the product's old app;
 * ota_1 holds an older OTA app (a device with OTA history). Nothing is
 * erased that a real device would have erased: every app slot holds an app.
 */
import type { CryptoPort, Partition } from '../src/core/ports';
import type { ImageKind } from '../src/core/job';
import { buildEspImage } from '../src/core/formats/esp-image-build';
import { buildPartitionTable } from '../src/core/formats/partition-table';
import { buildOtadata } from '../src/core/formats/otadata';
import { pseudoRandomBytes, putCString } from '../src/core/formats/bytes';
import { inspectEspImage } from '../src/core/formats/esp-image';
import { downloadModeOps, embeddedModeOps } from './model/esp-self-reflasher';
import type { FlashOp } from './model/timing';

const KiB = 1024;
const MiB = 1024 * KiB;
export const FLASH_SIZE = 4 * MiB;
export const TABLE_OFFSET = 0x8000;
const BOOTLOADER_OFFSET = 0x1000;
const BOOTLOADER_REGION = TABLE_OFFSET - BOOTLOADER_OFFSET;

export interface ScenarioImage {
  name: string;
  kind: ImageKind;
  bytes: Uint8Array;
  destination: number;
  regionSize: number;
  /** Served over HTTP (download mode) or given to the firmware as a resource (embedded mode). */
  embedded: boolean;
}

export interface Scenario {
  id: number;
  title: string;
  /** What the device holds, the bundle, and why that is the realistic case. */
  before: string;
  bundle: string;
  why: string;
  chip: 'esp32';
  /** The whole flash before the job. */
  flash: Uint8Array;
  partitions: Partition[];
  running: string;
  images: ScenarioImage[];
  /** The flash operations esp-self-reflasher issues for the same job. */
  baseline(): Iterable<FlashOp>;
}

const part = (label: string, type: number, subtype: number, address: number, size: number): Partition =>
  ({ label, type, subtype, address, size, encrypted: false, readonly: false });

/** ESP-IDF's partitions_two_ota.csv. */
export const TWO_OTA: Partition[] = [
  part('nvs', 1, 0x02, 0x9000, 0x4000),
  part('otadata', 1, 0x00, 0xd000, 0x2000),
  part('phy_init', 1, 0x01, 0xf000, 0x1000),
  part('factory', 0, 0x00, 0x10000, 0x100000),
  part('ota_0', 0, 0x10, 0x110000, 0x100000),
  part('ota_1', 0, 0x11, 0x210000, 0x100000),
];

/** The layout scenario 1 moves to: one 2 MiB app (no OTA, so the bootloader boots factory) and storage. */
const SINGLE_APP: Partition[] = [
  part('nvs', 1, 0x02, 0x9000, 0x4000),
  part('phy_init', 1, 0x01, 0xf000, 0x1000),
  part('factory', 0, 0x00, 0x10000, 0x1f0000),
  part('storage', 1, 0x82, 0x200000, 0x200000),
];

/** Scenario 4: the running slot is 2 MiB, as it must be to carry a 1 MiB image inside the firmware. */
const EMBEDDED_LAYOUT: Partition[] = [
  part('nvs', 1, 0x02, 0x9000, 0x4000),
  part('otadata', 1, 0x00, 0xd000, 0x2000),
  part('phy_init', 1, 0x01, 0xf000, 0x1000),
  part('factory', 0, 0x00, 0x10000, 0x100000),
  part('ota_0', 0, 0x10, 0x110000, 0x200000),
  part('storage', 1, 0x82, 0x310000, 0xf0000),
];

const OLD_APP_SIZE = 0xfc000; // 1008 KiB: the slot's last 16 KiB erased
const NEW_APP_SIZE = MiB;
const NEW_BOOTLOADER_SIZE = 28_000;
const OLD_BOOTLOADER_SIZE = 26_496;
const FIRMWARE_SIZE = 0xc8000; // the transitional firmware: XS and the engine, 800 KiB

const app = (crypto: CryptoPort, size: number, seed: number, version = '1.0.0'): Uint8Array =>
  buildEspImage({ crypto, chip: 'esp32', kind: 'app', size, seed, version, projectName: `app-${seed}` });

const bootloader = (crypto: CryptoPort, size: number, seed: number): Uint8Array =>
  buildEspImage({ crypto, chip: 'esp32', kind: 'bootloader', size, seed, version: seed });

/** A device as it is in the field: old bootloader, table, nvs and phy data, otadata selecting ota_0, an app in every slot. */
function deviceFlash(crypto: CryptoPort, table: Partition[], fill: Array<[number, Uint8Array]>): Uint8Array {
  const flash = new Uint8Array(FLASH_SIZE).fill(0xff);
  flash.set(bootloader(crypto, OLD_BOOTLOADER_SIZE, 11), BOOTLOADER_OFFSET);
  flash.set(buildPartitionTable(table, { crypto }), TABLE_OFFSET);
  flash.set(pseudoRandomBytes(2 * 0x1000, 21), 0x9000); // nvs: two pages in use
  flash.set(buildOtadata({ slot: 0, seq: 1 }), 0xd000);
  flash.set(pseudoRandomBytes(128, 22), 0xf000); // phy_init data
  for (const [address, bytes] of fill) flash.set(bytes, address);
  return flash;
}

/** The staging partition esp-self-reflasher uses: esp_ota_get_next_update_partition from ota_0 is ota_1. */
const OTA_1 = { address: 0x210000, size: 0x100000 };

function baselineDownload(images: ScenarioImage[]): () => Iterable<FlashOp> {
  return () => downloadModeOps(images.map((im) => ({ size: im.bytes.length, regionAddress: im.destination, regionSize: im.regionSize })), OTA_1);
}

export function scenario1(crypto: CryptoPort): Scenario {
  const images: ScenarioImage[] = [
    { name: 'bootloader', kind: 'bootloader', bytes: bootloader(crypto, NEW_BOOTLOADER_SIZE, 12), destination: BOOTLOADER_OFFSET, regionSize: BOOTLOADER_REGION, embedded: false },
    { name: 'partition-table', kind: 'partition-table', bytes: buildPartitionTable(SINGLE_APP, { crypto }), destination: TABLE_OFFSET, regionSize: 0x1000, embedded: false },
    { name: 'app', kind: 'app', bytes: app(crypto, NEW_APP_SIZE, 100), destination: 0x10000, regionSize: 0x100000, embedded: false },
  ];
  return {
    id: 1,
    title: 'full reflash: bootloader, table, 1 MiB app',
    before: 'two-OTA ESP32 running the reflasher from ota_0; factory full of an old app (1008 KiB), ota_1 an older OTA app (960 KiB), old bootloader (26 KiB)',
    bundle: 'new bootloader (28,000 B) -> 0x1000, new table (single 1.9 MiB factory app + storage) -> 0x8000, new 1 MiB app -> factory 0x10000',
    why: 'the migration the product exists for; the app goes to the inactive factory slot, which holds the old product app, so every sector changes; bootloader and table are in use and staged through ota_1',
    chip: 'esp32',
    flash: deviceFlash(crypto, TWO_OTA, [[0x10000, app(crypto, OLD_APP_SIZE, 1)], [0x110000, app(crypto, FIRMWARE_SIZE, 2)], [0x210000, app(crypto, 0xf0000, 3)]]),
    partitions: TWO_OTA,
    running: 'ota_0',
    images,
    baseline: baselineDownload(images),
  };
}

export function scenario2(crypto: CryptoPort): Scenario {
  const images: ScenarioImage[] = [
    { name: 'bootloader', kind: 'bootloader', bytes: bootloader(crypto, NEW_BOOTLOADER_SIZE, 12), destination: BOOTLOADER_OFFSET, regionSize: BOOTLOADER_REGION, embedded: false },
  ];
  return {
    id: 2,
    title: 'bootloader only, staged through a 1 MiB OTA slot',
    before: 'as scenario 1: ota_1 (the 1 MiB staging slot) holds an older OTA app of 960 KiB',
    bundle: 'new bootloader (28,000 B) -> 0x1000 (region 0x7000)',
    why: 'a bootloader fix; the bootloader is in use, so both tools stage it in the other OTA slot, which a device with OTA history has filled',
    chip: 'esp32',
    flash: deviceFlash(crypto, TWO_OTA, [[0x10000, app(crypto, OLD_APP_SIZE, 1)], [0x110000, app(crypto, FIRMWARE_SIZE, 2)], [0x210000, app(crypto, 0xf0000, 3)]]),
    partitions: TWO_OTA,
    running: 'ota_0',
    images,
    baseline: baselineDownload(images),
  };
}

/**
 * Version 2 of an app from version 1: a new version string (the app
 * descriptor, in sector 0), `extra` other sectors of segment data rewritten
 * (code that moved), then the checksum and the appended SHA-256 recomputed
 * (the last sector). Returns the image and the sectors that differ.
 */
export function updatedApp(crypto: CryptoPort, v1: Uint8Array, extra: number, seed: number): { v2: Uint8Array; changed: number[] } {
  const v2 = v1.slice();
  const info = inspectEspImage(v1, { crypto, kind: 'app' });
  const desc = info.segments[0].offset;
  // The descriptor of the new build: its version string and its ELF's SHA-256.
  putCString(v2, desc + 16, 32, '1.0.1');
  v2.set(pseudoRandomBytes(32, seed), desc + 144);
  const sectors = v1.length / 0x1000;
  const picked = new Set<number>();
  let x = seed >>> 0 || 1;
  while (picked.size < extra) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const s = 1 + (x % (sectors - 2)); // neither the first nor the last sector: those change anyway
    picked.add(s);
  }
  const noise = pseudoRandomBytes(0x1000, seed ^ 0x5a5a);
  for (const s of picked) {
    for (const seg of info.segments) {
      const from = Math.max(seg.offset, s * 0x1000);
      const to = Math.min(seg.offset + seg.length, (s + 1) * 0x1000);
      for (let i = from; i < to; i++) v2[i] ^= noise[i & 0xfff] | 1;
    }
  }
  // Checksum: XOR of all segment data seeded 0xEF, in the byte before the hash.
  let xor = 0xef;
  for (const seg of info.segments) for (let i = seg.offset; i < seg.offset + seg.length; i++) xor ^= v2[i];
  const hashAt = v2.length - 32;
  v2[hashAt - 1] = xor;
  const h = crypto.sha256();
  h.update(v2.subarray(0, hashAt));
  v2.set(h.digest(), hashAt);
  const changed: number[] = [];
  for (let s = 0; s < sectors; s++) {
    for (let i = s * 0x1000; i < (s + 1) * 0x1000; i++) if (v1[i] !== v2[i]) { changed.push(s); break; }
  }
  return { v2, changed };
}

export function scenario3(crypto: CryptoPort): Scenario {
  const v1 = app(crypto, NEW_APP_SIZE, 100);
  // 13 of 256 sectors (5%): the descriptor's sector, 11 sectors of moved code, the checksum and hash's sector.
  const { v2 } = updatedApp(crypto, v1, 11, 0x3e5);
  const images: ScenarioImage[] = [
    { name: 'app', kind: 'app', bytes: v2, destination: 0x10000, regionSize: 0x100000, embedded: false },
  ];
  return {
    id: 3,
    title: 'app update, 5% of sectors differ',
    before: 'as scenario 1, but factory holds version 1.0.0 of the product app (1 MiB)',
    bundle: 'version 1.0.1 of the app (1 MiB) -> factory 0x10000: 13 of its 256 sectors differ (descriptor, 11 scattered sectors, checksum and hash)',
    why: 'an incremental release over the same app; the changed sectors are scattered (seeded), the worst case for erase grouping',
    chip: 'esp32',
    flash: deviceFlash(crypto, TWO_OTA, [[0x10000, v1], [0x110000, app(crypto, FIRMWARE_SIZE, 2)], [0x210000, app(crypto, 0xf0000, 3)]]),
    partitions: TWO_OTA,
    running: 'ota_0',
    images,
    baseline: baselineDownload(images),
  };
}

/** Where the embedded image sits in the running firmware's slot (after the firmware's code), for the baseline's reads. */
const EMBEDDED_AT = 0x110000 + FIRMWARE_SIZE;

export function scenario4(crypto: CryptoPort, size = NEW_APP_SIZE): Scenario {
  const image = app(crypto, size, 100);
  const images: ScenarioImage[] = [
    { name: 'app', kind: 'app', bytes: image, destination: 0x10000, regionSize: 0x100000, embedded: true },
  ];
  return {
    id: 4,
    title: `embedded: ${size / MiB} MiB image from the firmware`,
    before: 'the reflasher (800 KiB) with the image embedded runs from a 2 MiB ota_0; factory full of an old app (1008 KiB)',
    bundle: `the ${size / MiB} MiB app, a resource of the firmware -> factory 0x10000`,
    why: 'esp-self-reflasher\'s embedded mode (its measured 12.3 s); the destination holds an app, as a device\'s factory slot does',
    chip: 'esp32',
    flash: deviceFlash(crypto, EMBEDDED_LAYOUT, [[0x10000, app(crypto, OLD_APP_SIZE, 1)], [0x110000, app(crypto, FIRMWARE_SIZE, 2)], [EMBEDDED_AT, image]]),
    partitions: EMBEDDED_LAYOUT,
    running: 'ota_0',
    images,
    baseline: () => embeddedModeOps(EMBEDDED_AT, image.length, 0x10000),
  };
}

export function allScenarios(crypto: CryptoPort): Scenario[] {
  return [scenario1(crypto), scenario2(crypto), scenario3(crypto), scenario4(crypto)];
}
