/**
 * The one user-facing error type. `code` is stable (tests, the CLI's JSON and
 * the device log key on it); the message says what, the values, then the fix.
 * Anything else thrown is a bug.
 *
 * Add codes here, grouped by area; never rename one that has shipped.
 */
export const ErrorCodes = {
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
  STAGING_TOO_SMALL: 'the staged images do not fit the staging partition',
  SOURCE_OVERLAP: 'an embedded source overlaps its destination',

  // sources
  SOURCE_NOT_FOUND: 'the source does not exist (HTTP 404, unknown resource)',
  SOURCE_HTTP_STATUS: 'the server answered with an unexpected HTTP status',
  SOURCE_REDIRECT_LOOP: 'too many redirects',
  SOURCE_TRUNCATED: 'the source ended before its announced length',
  SOURCE_TIMEOUT: 'the source stalled past the read timeout',
  SOURCE_CONNECT: 'the connection could not be made',
  SOURCE_TLS: 'the TLS handshake failed (certificate, CA)',
  SOURCE_IO: 'the transfer failed',

  // verification
  SIZE_MISMATCH: 'the source delivered another size than expected',
  HASH_MISMATCH: 'the SHA-256 of the bytes differs from the expected one',
  READBACK_ERASED: 'read-back found the region still erased',
  READBACK_MISMATCH: 'read-back hash differs from what was written',

  // flash
  FLASH_ALIGN: 'flash operation not aligned',
  FLASH_BOUNDS: 'flash operation outside the flash',
  FLASH_PROTECTED: 'flash operation refused over a protected region',
  FLASH_NOT_ERASED: 'write over bytes that are not erased',
  FLASH_IO: 'the flash driver reported an error',
  PARTITION_NOT_FOUND: 'no partition with that label, or the running one is unknown',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class ReflashError extends Error {
  readonly code: ErrorCode;
  /** The values the message names, for JSON reports. */
  readonly details: Record<string, number | string | boolean> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, number | string | boolean>) {
    super(message);
    this.name = 'ReflashError';
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
