/**
 * The partition table the device booted with, read by ESP-IDF at first use
 * (esp_partition_*), and the OTA boot selection (esp_ota_*). A table
 * rewritten during the run is seen only after a restart.
 *
 * Failures throw an Error whose message starts with a stable code; the
 * device platform turns it into the ReflashError of that code.
 */

/** One table entry, as ESP-IDF numbers types and subtypes. */
export interface PartitionEntry {
  label: string;
  type: number;
  subtype: number;
  address: number;
  size: number;
  encrypted: boolean;
  readonly: boolean;
}

/** Every entry of the table, in table order. */
export function list(): PartitionEntry[] {
  return native('xs_partitions_list')();
}

/**
 * The app partition this firmware runs from.
 * @throws Error `PARTITION_NOT_FOUND` if ESP-IDF cannot tell (never on a booted device).
 */
export function running(): PartitionEntry {
  return native('xs_partitions_running')();
}

/** The app partition the bootloader starts next, per otadata; undefined if none. */
export function boot(): PartitionEntry | undefined {
  return native('xs_partitions_boot')();
}

/**
 * Makes the app partition `label` the next boot partition (writes otadata;
 * `factory` erases it).
 * @throws Error `PARTITION_NOT_FOUND` when no app partition has that label.
 * @throws Error `FLASH_IO` when otadata cannot be written.
 */
export function setBoot(label: string): void {
  native('xs_partitions_set_boot')(label);
}

/** Where this build reads the partition table: 0x8000 unless moved. */
export function tableOffset(): number {
  return native('xs_partitions_get_table_offset')();
}
