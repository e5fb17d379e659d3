import type { Partition } from '../../src/core/ports';
import { fromNative } from '../../src/device/native-errors';

/**
 * The partition table the device booted with, read by ESP-IDF at first use
 * (esp_partition_*), and the OTA boot selection (esp_ota_*). A table
 * rewritten during the run is seen only after a restart.
 */

/** Every entry of the table, in table order. */
export function list(): Partition[] {
  return native('xs_partitions_list')();
}

/**
 * The app partition this firmware runs from.
 * @throws ReflashError `PARTITION_NOT_FOUND` if ESP-IDF cannot tell (never on a booted device).
 */
export function running(): Partition {
  try {
    return native('xs_partitions_running')();
  } catch (e) {
    throw fromNative(e);
  }
}

/** The app partition the bootloader starts next, per otadata; undefined if none. */
export function boot(): Partition | undefined {
  return native('xs_partitions_boot')();
}

/**
 * Makes the app partition `label` the next boot partition (writes otadata;
 * `factory` erases it).
 * @throws ReflashError `PARTITION_NOT_FOUND` when no app partition has that label.
 * @throws ReflashError `FLASH_IO` when otadata cannot be written.
 */
export function setBoot(label: string): void {
  try {
    native('xs_partitions_set_boot')(label);
  } catch (e) {
    throw fromNative(e);
  }
}

/** Where this build reads the partition table: 0x8000 unless moved. */
export function tableOffset(): number {
  return native('xs_partitions_get_table_offset')();
}
