import { ReflashError } from '../errors';

/**
 * Per-chip facts, from ESP-IDF's esp_app_format.h (chip ids) and each
 * target's CONFIG_BOOTLOADER_OFFSET_IN_FLASH (bootloader offsets).
 */
export interface ChipInfo {
  name: string;
  /** `esp_chip_id_t` in the image header (on flash: never renumber). */
  chipId: number;
  bootloaderOffset: number;
}

export const CHIPS: readonly ChipInfo[] = Object.freeze([
  { name: 'esp32', chipId: 0x0000, bootloaderOffset: 0x1000 },
  { name: 'esp32s2', chipId: 0x0002, bootloaderOffset: 0x1000 },
  { name: 'esp32c3', chipId: 0x0005, bootloaderOffset: 0x0 },
  { name: 'esp32s3', chipId: 0x0009, bootloaderOffset: 0x0 },
  { name: 'esp32c2', chipId: 0x000c, bootloaderOffset: 0x0 },
  { name: 'esp32c6', chipId: 0x000d, bootloaderOffset: 0x0 },
  { name: 'esp32h2', chipId: 0x0010, bootloaderOffset: 0x0 },
  { name: 'esp32p4', chipId: 0x0012, bootloaderOffset: 0x2000 },
  { name: 'esp32c5', chipId: 0x0017, bootloaderOffset: 0x2000 },
  { name: 'esp32c61', chipId: 0x0014, bootloaderOffset: 0x0 },
  { name: 'esp32h21', chipId: 0x0019, bootloaderOffset: 0x0 },
  { name: 'esp32h4', chipId: 0x001c, bootloaderOffset: 0x2000 },
  { name: 'esp32s31', chipId: 0x0020, bootloaderOffset: 0x2000 },
]);

export const DEFAULT_PARTITION_TABLE_OFFSET = 0x8000;

export function findChip(name: string): ChipInfo | undefined {
  for (const c of CHIPS) if (c.name === name) return c;
  return undefined;
}

export function chipById(id: number): ChipInfo | undefined {
  for (const c of CHIPS) if (c.chipId === id) return c;
  return undefined;
}

/** @throws ReflashError `CONFIG_INVALID` for a chip this project does not know. */
export function chipInfo(name: string): ChipInfo {
  const c = findChip(name);
  if (!c) {
    throw new ReflashError('CONFIG_INVALID', `unknown chip "${name}": use one of ${CHIPS.map((x) => x.name).join(', ')}`, { chip: name });
  }
  return c;
}

/** Bytes the second-stage bootloader may occupy: from its offset up to the partition table. */
export function bootloaderRegionSize(chip: string, partitionTableOffset = DEFAULT_PARTITION_TABLE_OFFSET): number {
  return partitionTableOffset - chipInfo(chip).bootloaderOffset;
}
