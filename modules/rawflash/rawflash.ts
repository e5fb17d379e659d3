/**
 * The whole flash chip at absolute addresses (esp_flash_*). The C layer
 * re-checks every call, whatever the caller checked before: bounds, 4 KiB
 * alignment of erase, and that nothing erases or writes the running app
 * partition.
 *
 * Refusals and failures throw an Error whose message starts with a stable
 * code ("FLASH_ALIGN: erase 0x00300001+0x1000: not 4 KiB aligned"); the
 * device platform (src/device/platform.ts) turns it into the ReflashError of
 * that code. A refused call has not touched the flash; a call that failed in
 * the driver may have erased or written part of its range.
 */
export default class RawFlash extends Native('xs_rawflash_destructor') {
  /** @throws Error `FLASH_IO` when the flash size or the running partition cannot be read. */
  constructor() {
    super();
    native('xs_rawflash_constructor').call(this);
  }

  /** Bytes of flash. */
  get size(): number {
    return native('xs_rawflash_get_size').call(this);
  }

  /** The erase sector: 4096. */
  get sectorSize(): number {
    return native('xs_rawflash_get_sector_size').call(this);
  }

  /** "esp32", "esp32c3", ...: the chip this runs on. */
  get chip(): string {
    return native('xs_rawflash_get_chip').call(this);
  }

  /**
   * Where this chip's ROM loads the second-stage bootloader from: 0x1000 on
   * esp32/esp32s2, 0x0 on c2/c3/c6/h2/s3, 0x2000 on c5/p4.
   * @throws Error `CONFIG_INVALID` on a chip the module does not know.
   */
  get bootloaderOffset(): number {
    return native('xs_rawflash_get_bootloader_offset').call(this);
  }

  /**
   * Fills `target` with the bytes at `address`.
   * @throws Error `FLASH_BOUNDS` when the range leaves the flash.
   * @throws Error `FLASH_IO` when the driver fails.
   */
  read(address: number, target: Uint8Array): void {
    native('xs_rawflash_read').call(this, address, target);
  }

  /**
   * Erases to 0xFF, with 64 KiB block erases where aligned, else 4 KiB sectors.
   * @param address multiple of 4096
   * @param length multiple of 4096
   * @throws Error `FLASH_BOUNDS` when the range leaves the flash.
   * @throws Error `FLASH_ALIGN` when address or length is not a multiple of 4096.
   * @throws Error `FLASH_PROTECTED` when the range overlaps the running app partition.
   * @throws Error `FLASH_IO` when the driver fails (part of the range may be erased).
   */
  erase(address: number, length: number): void {
    native('xs_rawflash_erase').call(this, address, length);
  }

  /**
   * Programs `data` at `address`; NOR: bits only go from 1 to 0, so the
   * range must have been erased.
   * @throws Error `FLASH_BOUNDS` when the range leaves the flash.
   * @throws Error `FLASH_PROTECTED` when the range overlaps the running app partition.
   * @throws Error `FLASH_IO` when the driver fails (part of the range may be written).
   */
  write(address: number, data: Uint8Array): void {
    native('xs_rawflash_write').call(this, address, data);
  }
}
