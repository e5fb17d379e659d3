/**
 * What would boot from a flash image, following ESP-IDF's boot path:
 *
 *   ROM -> second-stage bootloader at the chip's offset (an ESP image)
 *       -> partition table at its offset (esp_partition_table_verify)
 *       -> otadata, when the table has one (bootloader_utility_get_selected_boot_partition)
 *       -> app image, with the fallback order of bootloader_utility_load_boot_image:
 *          from the selected index down to factory, then up through the OTA
 *          slots, then the test app
 *
 * or, for an MCUboot chain, ROM -> bootloader at the chip's offset (MCUboot's
 * Espressif port is an ESP image) -> the MCUboot image in the primary slot.
 *
 * The result lists, as data, what was modelled and what was not.
 */
import type { CryptoPort, Partition } from '../ports';
import { AppSubtype, DataSubtype, PartitionType } from '../ports';
import { type ErrorCode, ReflashError, hex } from '../errors';
import type { ReadFn } from '../formats/bytes';
import { chipInfo, DEFAULT_PARTITION_TABLE_OFFSET } from '../formats/chips';
import { type EspImageInfo, verifyEspImage } from '../formats/esp-image';
import { type McubootImageInfo, verifyMcubootImage } from '../formats/mcuboot';
import { type OtadataInfo, OtaState, parseOtadata } from '../formats/otadata';
import { OTADATA_SIZE, PTABLE_MAX_LENGTH, parsePartitionTable } from '../formats/partition-table';

export interface FlashRegion {
  address: number;
  size: number;
}

export interface BootChainInput {
  /** Reads absolute flash addresses. */
  read: ReadFn;
  flashSize: number;
  chip: string;
  crypto: CryptoPort;
  /** Default 0x8000. */
  partitionTableOffset?: number;
  /** Default: the chip's. */
  bootloaderOffset?: number;
  /** Model an MCUboot chain with these slots instead of ESP-IDF's. */
  mcuboot?: { primary: FlashRegion; secondary?: FlashRegion };
}

export type BootStage = 'rom' | 'bootloader' | 'partition-table' | 'otadata' | 'app' | 'mcuboot-primary' | 'mcuboot-secondary';

export interface BootStep {
  stage: BootStage;
  address: number;
  ok: boolean;
  /** The ReflashError code of the failed check. */
  code?: ErrorCode;
  message: string;
}

export interface BootedImage {
  kind: 'esp-app' | 'mcuboot';
  address: number;
  size: number;
  /** Partition label, for ESP-IDF chains. */
  label?: string;
  /** The slot the bootloader chose before any fallback. */
  selected?: string;
  /** True when an earlier choice failed and the bootloader fell back to this one. */
  fallback: boolean;
  projectName?: string;
  version?: string;
}

export interface BootResult {
  chain: 'esp-idf' | 'mcuboot';
  boots: boolean;
  image: BootedImage | undefined;
  steps: BootStep[];
  partitions: Partition[] | undefined;
  otadata: OtadataInfo | undefined;
  modelled: string[];
  notModelled: string[];
}

const MODELLED_COMMON = [
  'ROM: the second-stage bootloader at the chip offset is a valid ESP image (magic, chip id, segments, XOR checksum, appended SHA-256) and ends before the partition table',
];
const MODELLED_IDF = [
  'partition table: as esp_partition_table_verify checks it (entry magic, one MD5 entry, end marker within 96 entries, every entry inside the flash)',
  'otadata: copies valid when seq != 0xFFFFFFFF, state not INVALID/ABORTED and CRC right; highest seq wins; slot = (seq - 1) % number of ota_N partitions; blank otadata boots factory, else ota_0',
  'app: valid ESP app for the chip (magic, chip id, segments, app descriptor, checksum, appended SHA-256) that fits its partition',
  'fallback order of bootloader_utility_load_boot_image: selected slot, down to factory, up through the OTA slots, then the test app',
];
const MODELLED_MCUBOOT = ['MCUboot: the image in the primary slot has the magic, sane header and TLV bounds, a matching SHA-256 TLV, and fits the slot'];
const NOT_MODELLED_COMMON = [
  'secure boot (v1/v2) signatures on the bootloader and apps',
  'flash encryption (encrypted flash is read here as plaintext)',
  'anti-rollback: secure_version against eFuses',
  'chip revision limits (min/max_chip_rev_full) and eFuse block revision',
  'segment load addresses against the memory map, MMU page size',
  'the flash size and mode in the image header against the real flash',
];
const NOT_MODELLED_IDF = [
  'app rollback: the bootloader turning PENDING_VERIFY into ABORTED on the next boot',
  'factory reset and test app GPIOs, deep-sleep wake stubs',
  'recovery bootloader and bootloader OTA (ESP32-C5/P4 and later)',
  'TEE partitions',
];
const NOT_MODELLED_MCUBOOT = [
  'MCUboot swap or upgrade from the secondary slot, image trailers and their swap state',
  'MCUboot image signatures and encrypted images',
];

/** A read function relative to `base`. */
function at(read: ReadFn, base: number): ReadFn {
  return (offset, target) => read(base + offset, target);
}

function attempt<T>(steps: BootStep[], stage: BootStage, address: number, ok: (v: T) => string, fn: () => T): T | undefined {
  try {
    const v = fn();
    steps.push({ stage, address, ok: true, message: ok(v) });
    return v;
  } catch (e) {
    if (!(e instanceof ReflashError)) throw e;
    steps.push({ stage, address, ok: false, code: e.code, message: e.message });
    return undefined;
  }
}

/**
 * Says what would boot. Invalid content is an answer (a failed step), not an
 * exception.
 * @throws ReflashError `CONFIG_INVALID` for an unknown chip; the read function's own errors.
 */
export function modelBoot(input: BootChainInput): BootResult {
  const chip = chipInfo(input.chip);
  const blOffset = input.bootloaderOffset ?? chip.bootloaderOffset;
  const ptOffset = input.partitionTableOffset ?? DEFAULT_PARTITION_TABLE_OFFSET;
  const isMcuboot = input.mcuboot !== undefined;
  const steps: BootStep[] = [];
  const result: BootResult = {
    chain: isMcuboot ? 'mcuboot' : 'esp-idf', boots: false, image: undefined, steps, partitions: undefined, otadata: undefined,
    modelled: MODELLED_COMMON.concat(isMcuboot ? MODELLED_MCUBOOT : MODELLED_IDF),
    notModelled: NOT_MODELLED_COMMON.concat(isMcuboot ? NOT_MODELLED_MCUBOOT : NOT_MODELLED_IDF),
  };
  steps.push({ stage: 'rom', address: blOffset, ok: true, message: `${chip.name} ROM loads the bootloader at ${hex(blOffset)}` });
  const regionEnd = Math.min(ptOffset, input.flashSize);
  const bl = attempt(steps, 'bootloader', blOffset, (i: EspImageInfo) => `bootloader, ${i.length} bytes, valid`, () =>
    verifyEspImage(at(input.read, blOffset), Math.max(0, regionEnd - blOffset), { crypto: input.crypto, kind: 'bootloader', chip: chip.name, regionSize: ptOffset - blOffset }));
  if (!bl) return result;
  return isMcuboot ? bootMcuboot(input, result) : bootIdf(input, result, ptOffset);
}

function bootMcuboot(input: BootChainInput, result: BootResult): BootResult {
  const { primary, secondary } = input.mcuboot!;
  if (secondary) {
    // Reported for the reader; this model does not swap it in.
    attempt(result.steps, 'mcuboot-secondary', secondary.address, (i: McubootImageInfo) => `secondary slot holds MCUboot image ${i.header.version} (not swapped in by this model)`, () =>
      verifyMcubootImage(at(input.read, secondary.address), fit(secondary, input.flashSize), { crypto: input.crypto, slotSize: secondary.size }));
  }
  const img = attempt(result.steps, 'mcuboot-primary', primary.address, (i: McubootImageInfo) => `primary slot: MCUboot image ${i.header.version}, ${i.length} bytes, valid`, () =>
    verifyMcubootImage(at(input.read, primary.address), fit(primary, input.flashSize), { crypto: input.crypto, slotSize: primary.size }));
  if (img) {
    result.boots = true;
    result.image = { kind: 'mcuboot', address: primary.address, size: primary.size, fallback: false, version: img.header.version };
  }
  return result;
}

function fit(r: FlashRegion, flashSize: number): number {
  return Math.max(0, Math.min(r.size, flashSize - r.address));
}

const FACTORY_INDEX = -1;
const TEST_INDEX = -2;

function bootIdf(input: BootChainInput, result: BootResult, ptOffset: number): BootResult {
  const steps = result.steps;
  const tableBytes = new Uint8Array(Math.max(0, Math.min(PTABLE_MAX_LENGTH, input.flashSize - ptOffset)));
  input.read(ptOffset, tableBytes);
  const table = attempt(steps, 'partition-table', ptOffset, (t: { entries: Partition[] }) => `partition table, ${t.entries.length} partitions`, () =>
    parsePartitionTable(tableBytes, { crypto: input.crypto, flashSize: input.flashSize, tableOffset: ptOffset, bootloaderRules: true }));
  if (!table) return result;
  const parts = table.entries;
  result.partitions = parts;

  // bootloader_utility_load_partition_table: the last entry of a kind wins, OTA slots by subtype.
  let factory: Partition | undefined;
  let test: Partition | undefined;
  let otadataPart: Partition | undefined;
  const ota: Array<Partition | undefined> = [];
  let appCount = 0;
  for (const p of parts) {
    if (p.type === PartitionType.app) {
      if (p.subtype === AppSubtype.factory) factory = p;
      else if (p.subtype === AppSubtype.test) test = p;
      else if ((p.subtype & 0xf0) === AppSubtype.ota0) { ota[p.subtype & 0x0f] = p; appCount++; }
    } else if (p.type === PartitionType.data && p.subtype === DataSubtype.ota) otadataPart = p;
  }
  const byIndex = (i: number): Partition | undefined => (i === FACTORY_INDEX ? factory : i === TEST_INDEX ? test : i >= 0 && i < appCount ? ota[i] : undefined);

  let start = FACTORY_INDEX;
  if (otadataPart) {
    if (otadataPart.address + OTADATA_SIZE > input.flashSize) {
      // bootloader_common_read_otadata fails, and the bootloader resets instead of booting.
      steps.push({ stage: 'otadata', address: otadataPart.address, ok: false, code: 'PTABLE_OTADATA', message: `otadata at ${hex(otadataPart.address)} has no two sectors inside the flash: the bootloader cannot read it and resets` });
      return result;
    }
    const od = new Uint8Array(OTADATA_SIZE);
    input.read(otadataPart.address, od);
    const info = parseOtadata(od);
    result.otadata = info;
    const invalid = (s: { seq: number; state: number }) => s.seq === 0xffffffff || s.state === OtaState.invalid || s.state === OtaState.aborted;
    let why: string;
    if ((invalid(info.entries[0]) && invalid(info.entries[1])) || appCount === 0) {
      start = factory ? FACTORY_INDEX : 0;
      why = `otadata blank or no OTA slots: ${factory ? 'factory' : 'ota_0'}`;
    } else if (info.active >= 0) {
      start = ((info.entries[info.active].seq - 1) >>> 0) % appCount;
      why = `otadata copy ${info.active} (seq ${info.entries[info.active].seq}) selects OTA index ${start}`;
    } else {
      start = FACTORY_INDEX;
      why = 'otadata has no valid copy: factory, then every slot';
    }
    steps.push({ stage: 'otadata', address: otadataPart.address, ok: true, message: why });
  }
  const name = (i: number) => (i === FACTORY_INDEX ? 'factory' : i === TEST_INDEX ? 'test' : `ota index ${i}`);
  const order: number[] = [];
  for (let i = start; i >= FACTORY_INDEX; i--) order.push(i);
  for (let i = start + 1; i < appCount; i++) order.push(i);
  order.push(TEST_INDEX);
  for (const i of order) {
    const p = byIndex(i);
    if (!p || p.size === 0) continue;
    const app = attempt(steps, 'app', p.address, (a: EspImageInfo) => `app "${p.label}": ${a.appDescriptor?.projectName ?? ''} ${a.appDescriptor?.version ?? ''}, valid`, () =>
      verifyEspImage(at(input.read, p.address), fit(p, input.flashSize), { crypto: input.crypto, kind: 'app', chip: input.chip, regionSize: p.size }));
    if (app) {
      result.boots = true;
      result.image = {
        kind: 'esp-app', address: p.address, size: p.size, label: p.label, selected: name(start), fallback: i !== start,
        projectName: app.appDescriptor?.projectName, version: app.appDescriptor?.version,
      };
      return result;
    }
  }
  return result;
}
