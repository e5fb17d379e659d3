/**
 * The demo's device and bundle, generated with the core's builders (valid
 * images whose bytes are not runnable code, see esp-image-build.ts):
 *
 *   4 MiB ESP32 now                      after the reflash
 *   0x001000 bootloader v1               bootloader v2
 *   0x008000 table (old)                 table (new)
 *   0x009000 nvs        24 KiB           nvs        (same)
 *   0x00f000 otadata     8 KiB           otadata    (same)
 *   0x011000 phy_init    4 KiB           phy_init   (same)
 *   0x020000 factory     1 MiB  <- the transitional firmware runs here
 *                                        storage    1 MiB (spiffs, where the firmware was)
 *   0x120000 ota_0       1 MiB           factory    1 MiB  <- the new app
 *   0x220000 ota_1       1 MiB           ota_0      960 KiB
 *   0x310000 (unused)                    ota_1      960 KiB
 *
 * The new app goes to a free slot directly; bootloader and table are in use
 * and are staged (in ota_1, the only slot that is neither running nor a
 * destination), then committed last. With otadata blank the bootloader then
 * boots the new factory app.
 */
import type { Partition } from '../../../src/core/ports';
import { buildEspImage } from '../../../src/core/formats/esp-image-build';
import { buildPartitionTable } from '../../../src/core/formats/partition-table';
import { nodeCrypto } from './node-crypto';

export const DEMO_CHIP = 'esp32';
export const DEMO_FLASH_SIZE = 0x400000;
export const DEMO_RUNNING = 'factory';

const part = (label: string, type: number, subtype: number, address: number, size: number): Partition =>
  ({ label, type, subtype, address, size, encrypted: false, readonly: false });

const SHARED = [part('nvs', 1, 0x02, 0x9000, 0x6000), part('otadata', 1, 0x00, 0xf000, 0x2000), part('phy_init', 1, 0x01, 0x11000, 0x1000)];
export const OLD_LAYOUT: Partition[] = [...SHARED,
  part('factory', 0, 0x00, 0x20000, 0x100000), part('ota_0', 0, 0x10, 0x120000, 0x100000), part('ota_1', 0, 0x11, 0x220000, 0x100000)];
export const NEW_LAYOUT: Partition[] = [...SHARED, part('storage', 1, 0x82, 0x20000, 0x100000),
  part('factory', 0, 0x00, 0x120000, 0x100000), part('ota_0', 0, 0x10, 0x220000, 0xf0000), part('ota_1', 0, 0x11, 0x310000, 0xf0000)];

export interface DemoImages {
  flash: Uint8Array;
  bootloader: Uint8Array;
  table: Uint8Array;
  app: Uint8Array;
  /** Where each goes, as `reflasher bundle --image` takes it. */
  addresses: { bootloader: number; table: number; app: number };
}

export function demoImages(): DemoImages {
  const flash = new Uint8Array(DEMO_FLASH_SIZE).fill(0xff);
  const oldBootloader = buildEspImage({ crypto: nodeCrypto, chip: DEMO_CHIP, kind: 'bootloader', size: 0x5000, seed: 1, version: 1 });
  const firmware = buildEspImage({ crypto: nodeCrypto, chip: DEMO_CHIP, kind: 'app', size: 0x50000, seed: 2, projectName: 'xs-reflasher', version: '0.1.0' });
  flash.set(oldBootloader, 0x1000);
  flash.set(buildPartitionTable(OLD_LAYOUT, { crypto: nodeCrypto }), 0x8000);
  flash.set(firmware, 0x20000);
  // nvs and phy data the network stack keeps: content the reflash must leave alone.
  flash.fill(0x5a, 0x9000, 0x9400);
  flash.fill(0xa5, 0x11000, 0x11100);
  return {
    flash,
    bootloader: buildEspImage({ crypto: nodeCrypto, chip: DEMO_CHIP, kind: 'bootloader', size: 0x6000, seed: 11, version: 2 }),
    table: buildPartitionTable(NEW_LAYOUT, { crypto: nodeCrypto }),
    app: buildEspImage({ crypto: nodeCrypto, chip: DEMO_CHIP, kind: 'app', size: 0x40000, seed: 12, projectName: 'fleet-app', version: '2.0.0' }),
    addresses: { bootloader: 0x1000, table: 0x8000, app: 0x120000 },
  };
}
