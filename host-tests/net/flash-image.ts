/**
 * A blank 4 MiB ESP32 flash with a partition table at 0x8000, for the host
 * runtime: nvs, otadata, phy, factory (the running app), ota_0, ota_1.
 */
import { createHash } from 'node:crypto';

export const FLASH_SIZE = 4 << 20;

export interface TableEntry { label: string; type: number; subtype: number; offset: number; size: number }

export const LAYOUT: TableEntry[] = [
  { label: 'nvs', type: 0x01, subtype: 0x02, offset: 0x9000, size: 0x6000 },
  { label: 'otadata', type: 0x01, subtype: 0x00, offset: 0xf000, size: 0x2000 },
  { label: 'phy_init', type: 0x01, subtype: 0x01, offset: 0x11000, size: 0x1000 },
  { label: 'factory', type: 0x00, subtype: 0x00, offset: 0x20000, size: 0x100000 },
  { label: 'ota_0', type: 0x00, subtype: 0x10, offset: 0x120000, size: 0x100000 },
  { label: 'ota_1', type: 0x00, subtype: 0x11, offset: 0x220000, size: 0x100000 },
];

/** The table's binary form: 32-byte entries, the MD5 entry, then erased bytes. */
export function partitionTable(entries: TableEntry[] = LAYOUT): Uint8Array {
  const table = new Uint8Array(0xc00).fill(0xff);
  const view = new DataView(table.buffer);
  entries.forEach((e, i) => {
    const at = i * 32;
    table.set([0xaa, 0x50, e.type, e.subtype], at);
    view.setUint32(at + 4, e.offset, true);
    view.setUint32(at + 8, e.size, true);
    table.fill(0, at + 12, at + 28);
    table.set(new TextEncoder().encode(e.label), at + 12);
    view.setUint32(at + 28, 0, true);
  });
  const md5At = entries.length * 32;
  table.set([0xeb, 0xeb], md5At);
  table.set(createHash('md5').update(table.subarray(0, md5At)).digest(), md5At + 16);
  return table;
}

export function blankFlash(): Uint8Array {
  const flash = new Uint8Array(FLASH_SIZE).fill(0xff);
  flash.set(partitionTable(), 0x8000);
  return flash;
}
