import type { Partition } from '../../src/core/ports';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { buildPartitionTable } from '../../src/core/formats/partition-table';
import { buildOtadata } from '../../src/core/formats/otadata';
import { arrayReader } from '../../src/core/formats/bytes';
import { nodeCrypto } from './node-crypto';

export const MB = 0x100000;
export const p = (label: string, type: number, subtype: number, address: number, size: number): Partition =>
  ({ label, type, subtype, address, size, encrypted: false, readonly: false });

/** ESP-IDF's two-OTA layout on 4 MiB. */
export const TWO_OTA: Partition[] = [
  p('nvs', 1, 2, 0x9000, 0x4000),
  p('otadata', 1, 0, 0xd000, 0x2000),
  p('phy_init', 1, 1, 0xf000, 0x1000),
  p('factory', 0, 0, 0x10000, MB),
  p('ota_0', 0, 0x10, 0x110000, MB),
  p('ota_1', 0, 0x11, 0x210000, MB),
];

export interface FlashOptions {
  chip?: string;
  table?: Partition[];
  /** Labels of app partitions to fill with a valid app (project name = label). */
  apps?: string[];
  otadataSlot?: number;
}

/** A 4 MiB erased flash with a bootloader, a table, optional otadata and apps. */
export function makeFlash(o: FlashOptions = {}): Uint8Array {
  const chip = o.chip ?? 'esp32';
  const crypto = nodeCrypto;
  const flash = new Uint8Array(4 * MB).fill(0xff);
  const blOffset = chip === 'esp32' || chip === 'esp32s2' ? 0x1000 : 0x0;
  flash.set(buildEspImage({ crypto, chip, kind: 'bootloader', size: 0x5000 }), blOffset);
  const table = o.table ?? TWO_OTA;
  flash.set(buildPartitionTable(table, { crypto }), 0x8000);
  if (o.otadataSlot !== undefined) {
    const od = table.find((x) => x.type === 1 && x.subtype === 0)!;
    flash.set(buildOtadata({ slot: o.otadataSlot }), od.address);
  }
  for (const label of o.apps ?? []) {
    const part = table.find((x) => x.label === label)!;
    flash.set(buildEspImage({ crypto, chip, kind: 'app', size: 0x8000, projectName: label, seed: part.address }), part.address);
  }
  return flash;
}

export const flashReader = arrayReader;
