/**
 * The flash operations esp-self-reflasher (espressif/esp-self-reflasher,
 * src/self_reflasher.c at 0294b01) issues for a job, derived from its source,
 * so the benchmarks compare against what it really does:
 *
 * - init: picks the staging OTA partition, then esp_partition_erase_range over
 *   the WHOLE partition, whatever the image size;
 * - download: esp_http_client_read into a 1 KiB buffer, one esp_partition_write
 *   per chunk, appended at the staging cursor;
 * - copy_to_region: esp_flash_erase_region over the WHOLE destination region,
 *   then 1 KiB esp_partition_read + esp_flash_write pairs;
 * - upd_next_config (chained images): erases the whole staging partition again
 *   when what is left after the cursor is smaller than the next region;
 * - directly_copy_to_region (embedded): erases the first sector, then erases a
 *   4 KiB sector each time the write address crosses a sector boundary (the
 *   first sector is therefore erased twice) and copies 1 KiB at a time.
 */
import type { FlashOp } from './timing';

const CHUNK = 0x400;

export interface BaselineImage {
  /** Bytes of the image. */
  size: number;
  /** dest_region.region_address and region_size as its config takes them. */
  regionAddress: number;
  regionSize: number;
}

function* chunked(op: 'read' | 'write', address: number, size: number): Generator<FlashOp> {
  for (let done = 0; done < size; done += CHUNK) {
    yield { op, address: address + done, length: Math.min(CHUNK, size - done) };
  }
}

/** Download mode, images chained through one staging partition. */
export function* downloadModeOps(images: BaselineImage[], staging: { address: number; size: number }): Generator<FlashOp> {
  let cursor = 0;
  yield { op: 'erase', address: staging.address, length: staging.size };
  for (let i = 0; i < images.length; i++) {
    const image = images[i];
    if (i > 0 && staging.size - cursor < image.regionSize) {
      cursor = 0;
      yield { op: 'erase', address: staging.address, length: staging.size };
    }
    if (image.size > staging.size - cursor) throw new Error(`baseline: image ${i} (${image.size} B) exceeds what is left of staging`);
    yield* chunked('write', staging.address + cursor, image.size);
    yield { op: 'erase', address: image.regionAddress, length: image.regionSize };
    for (let done = 0; done < image.size; done += CHUNK) {
      const length = Math.min(CHUNK, image.size - done);
      yield { op: 'read', address: staging.address + cursor + done, length };
      yield { op: 'write', address: image.regionAddress + done, length };
    }
    cursor += image.size;
  }
}

/** Embedded mode: one image copied from flash (its resource) to its destination. */
export function* embeddedModeOps(sourceAddress: number, size: number, destination: number): Generator<FlashOp> {
  yield { op: 'erase', address: destination, length: 0x1000 };
  for (let done = 0; done < size; done += CHUNK) {
    const length = Math.min(CHUNK, size - done);
    if ((destination + done) % 0x1000 === 0) yield { op: 'erase', address: destination + done, length: 0x1000 };
    yield { op: 'read', address: sourceAddress + done, length };
    yield { op: 'write', address: destination + done, length };
  }
}
