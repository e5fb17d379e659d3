/**
 * A blank 4 MiB ESP32 flash with a partition table at 0x8000, for the host
 * runtime: nvs, otadata, phy, factory (the running app), ota_0, ota_1.
 * The table is built by the runtime tests' fixture builder.
 */
import { partitionTable, type TableEntry } from '../runtime/helpers';

export const FLASH_SIZE = 4 << 20;

export const LAYOUT: TableEntry[] = [
  { label: 'nvs', type: 0x01, subtype: 0x02, address: 0x9000, size: 0x6000 },
  { label: 'otadata', type: 0x01, subtype: 0x00, address: 0xf000, size: 0x2000 },
  { label: 'phy_init', type: 0x01, subtype: 0x01, address: 0x11000, size: 0x1000 },
  { label: 'factory', type: 0x00, subtype: 0x00, address: 0x20000, size: 0x100000 },
  { label: 'ota_0', type: 0x00, subtype: 0x10, address: 0x120000, size: 0x100000 },
  { label: 'ota_1', type: 0x00, subtype: 0x11, address: 0x220000, size: 0x100000 },
];

export function blankFlash(): Uint8Array {
  const flash = new Uint8Array(FLASH_SIZE).fill(0xff);
  flash.set(partitionTable(LAYOUT), 0x8000);
  return flash;
}
