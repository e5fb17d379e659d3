import { ErrorCodes, ReflashError, type ErrorCode } from '../core/errors';

/**
 * Native modules throw `Error("SOURCE_TIMEOUT: read from ... stalled 5000 ms")`:
 * the prefix is a stable code. This turns such an error into a ReflashError
 * with that code; anything else (TypeError, RangeError, an Error without a
 * known code) is a bug and is returned unchanged.
 */
export function fromNative(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof ReflashError) return e;
  const m = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(e.message);
  if (!m || !(m[1]! in ErrorCodes)) return e;
  return new ReflashError(m[1] as ErrorCode, m[2]!);
}

/** Runs a native call, rethrowing its coded errors as ReflashError. */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw fromNative(e);
  }
}
