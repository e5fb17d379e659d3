/**
 * The one user-facing error type. `code` is stable (tests, the CLI's JSON and
 * the device log key on it); the message says what, the values, then the fix.
 * Anything else thrown is a bug.
 *
 * Add codes here, grouped by area; never rename one that has shipped.
 */
export const ErrorCodes = Object.freeze({
  // job description and configuration
  JOB_EMPTY: 'the job names no image',
  JOB_INVALID: 'a field of the job is missing or of the wrong type',
  CONFIG_INVALID: 'a configuration value is missing or malformed',

  // planning: every one of these is raised before the first erase
  DEST_ALIGN: 'destination not aligned to the 4 KiB sector',
  DEST_BOUNDS: 'destination outside the flash',
  DEST_OVERLAP: 'two destinations share bytes',
  DEST_RUNNING_APP: 'destination overlaps the running app partition',
  DEST_TOO_SMALL: 'image larger than its destination region',
  IMAGE_EMPTY: 'image of zero bytes',
  IMAGE_SIZE_UNKNOWN: 'image size neither given nor known from the source',
  STAGING_NONE: 'no partition can serve as staging',
  STAGING_NOT_FOUND: 'the named staging partition does not exist',
  STAGING_RUNNING: 'the staging partition is the running app',
  STAGING_OVERLAP: 'the staging partition overlaps a destination',
  STAGING_IN_USE: 'the staging partition holds what the device needs to boot or to run the job',
  STAGING_TOO_SMALL: 'the staged images do not fit the staging partition',
  SOURCE_OVERLAP: 'an embedded source overlaps its destination',
  PLAN_INVALID: 'a plan handed to the executor is malformed or of another version',

  // sources
  SOURCE_NOT_FOUND: 'the source does not exist (HTTP 404, unknown resource)',
  SOURCE_HTTP_STATUS: 'the server answered with an unexpected HTTP status',
  SOURCE_REDIRECT_LOOP: 'too many redirects',
  SOURCE_TRUNCATED: 'the source ended before its announced length',
  SOURCE_TIMEOUT: 'the source stalled past the read timeout',
  SOURCE_CONNECT: 'the connection could not be made',
  SOURCE_TLS: 'the TLS handshake failed (certificate, CA)',
  SOURCE_IO: 'the transfer failed',
  SOURCE_RANGE_UNSUPPORTED: 'the server ignored a Range request, so the download cannot resume',

  // verification
  SIZE_MISMATCH: 'the source delivered another size than expected',
  HASH_MISMATCH: 'the SHA-256 of the bytes differs from the expected one',
  READBACK_ERASED: 'read-back found the region still erased',
  READBACK_MISMATCH: 'read-back hash differs from what was written',

  // images and bundles: raised while parsing or validating, before anything is staged or erased
  IMAGE_TRUNCATED: 'the image ends before the length its own headers announce',
  IMAGE_BAD_MAGIC: 'the ESP image header does not start with 0xE9',
  IMAGE_CHIP_MISMATCH: 'the image was built for another chip',
  IMAGE_SEGMENTS: 'an ESP image segment count or segment length is invalid',
  IMAGE_CHECKSUM: 'the ESP image XOR checksum differs from the computed one',
  IMAGE_HASH: 'the SHA-256 appended to an ESP image differs from the computed one',
  IMAGE_APP_DESC: 'the app image has no valid app descriptor (magic 0xABCD5432)',
  IMAGE_TOO_BIG_FOR_REGION: 'the image does not fit the region it is meant for',
  IMAGE_KIND_MISMATCH: 'the image is of another kind than declared (an app where a bootloader goes)',
  IMAGE_KIND_UNKNOWN: 'the bytes are no image kind this tool knows',
  PTABLE_BAD_MAGIC: 'a partition table entry has neither the entry, the MD5 nor the end magic',
  PTABLE_EMPTY: 'the partition table has no entry',
  PTABLE_NO_END: 'the partition table has no end marker',
  PTABLE_TOO_MANY: 'more partition table entries than ESP-IDF accepts',
  PTABLE_MD5: 'the partition table MD5 entry is wrong or repeated',
  PTABLE_BOUNDS: 'a partition lies outside the flash or below the table',
  PTABLE_OVERLAP: 'two partitions share bytes',
  PTABLE_ALIGN: 'a partition offset or size is not aligned as its type requires',
  PTABLE_TYPE: 'a partition type is reserved or unknown',
  PTABLE_SUBTYPE: 'a partition subtype is unknown for its type',
  PTABLE_DUPLICATE_NAME: 'two partitions have the same label',
  PTABLE_OTADATA: 'the otadata partition is repeated or not 0x2000 bytes',
  PTABLE_FLAGS: 'partition flags are not allowed for that partition',
  PTABLE_LABEL: 'a partition label is empty, too long or not ASCII',
  PTABLE_CSV: 'a line of the partition CSV cannot be parsed',
  OTADATA_SIZE: 'otadata is not two 4 KiB sectors',
  MCUBOOT_BAD_MAGIC: 'the MCUboot image header does not start with 0x96F3B83D',
  MCUBOOT_HEADER: 'an MCUboot header field is out of range',
  MCUBOOT_TLV: 'the MCUboot TLV area is missing, malformed or out of bounds',
  MCUBOOT_HASH: 'the MCUboot SHA-256 TLV is missing or differs from the computed one',
  BUNDLE_TOO_LARGE: 'the bundle manifest is larger than the parser accepts',
  BUNDLE_JSON: 'the bundle manifest is not valid JSON (or repeats a key)',
  BUNDLE_FIELD: 'a bundle manifest field is missing, unknown or of the wrong type',
  BUNDLE_FORMAT_VERSION: 'the bundle manifest format version is not supported',
  BUNDLE_DUPLICATE: 'two bundle images have the same name',
  BUNDLE_OVERLAP: 'two bundle images have overlapping destination regions',
  BUNDLE_ALIGN: 'a bundle destination or region is not 4 KiB aligned',
  BUNDLE_SOURCE: 'a bundle image source is not a relative URL or a resource name',
  BUNDLE_IMAGE_TOO_BIG: 'a bundle image is larger than its destination region',
  BUNDLE_DESTINATION: 'a bundle image of this kind cannot go to this destination',
  BUNDLE_CHIP_MISMATCH: 'the bundle targets another chip',
  BUNDLE_VERSION_TOO_OLD: 'the bundle version is below the configured minimum',
  BUNDLE_FLASH_TOO_SMALL: 'the device flash is smaller than the bundle requires',
  SIGNATURE_MISSING: 'a public key is configured but the bundle is unsigned',
  SIGNATURE_INVALID: 'the bundle signature does not verify with the configured key',
  SIGNATURE_FORMAT: 'the signature or public key has the wrong length or form',

  // flash
  FLASH_ALIGN: 'flash operation not aligned',
  FLASH_BOUNDS: 'flash operation outside the flash',
  FLASH_PROTECTED: 'flash operation refused over a protected region',
  FLASH_NOT_ERASED: 'write over bytes that are not erased',
  FLASH_IO: 'the flash driver reported an error',
  PARTITION_NOT_FOUND: 'no partition with that label, or the running one is unknown',

  // journal
  JOURNAL_PLAN_TOO_BIG: 'the plan does not fit the journal sector',
  JOURNAL_CORRUPT: 'a journal with a valid header holds an unreadable plan',
  JOURNAL_INCONSISTENT: 'the journal records contradict each other',
  JOURNAL_FULL: 'no record slot is left in the journal',

  // host tools (the reflasher CLI): never raised on the device
  HOST_RUNTIME: 'the host runtime cannot be built or did not run to an outcome',
  DUMP_INVALID: 'a flash dump the simulator cannot use (size, chip, partition table)',
} as const);

export type ErrorCode = keyof typeof ErrorCodes;

export class ReflashError extends Error {
  readonly code: ErrorCode;
  /** The values the message names, for JSON reports. */
  readonly details: Record<string, number | string | boolean> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, number | string | boolean>) {
    super(message);
    // Define, not assign: on the device Error.prototype is frozen after
    // preload, and assigning `name` throws "set name: not writable".
    Object.defineProperty(this, 'name', { value: 'ReflashError', writable: true, configurable: true });
    this.code = code;
    this.details = details;
  }
}

export function isReflashError(e: unknown): e is ReflashError {
  return e instanceof ReflashError;
}

/** `0x00008000`: addresses in messages always look the same. */
export function hex(n: number, width = 8): string {
  return '0x' + (n >>> 0).toString(16).padStart(width, '0');
}
