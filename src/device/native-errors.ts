import { ErrorCodes, ReflashError, type ErrorCode } from '../core/errors';

/*
 * Native modules throw `Error("SOURCE_TIMEOUT: body stalled 5000 ms after
 * 8192 bytes")`: the prefix is a stable code. XS limits such messages to 127
 * bytes, and a debug build puts the C function's name in front
 * ("xs_http_read: SOURCE_TIMEOUT: ..."), so the code is searched for, not
 * assumed at the start, and the caller adds the context (the URL) here.
 */
const CODED = /(?:^|: )([A-Z][A-Z0-9_]+): ([\s\S]*)$/;

/**
 * Turns a coded native error into a ReflashError whose message starts with
 * `context`; anything else (TypeError, RangeError, an Error without a known
 * code) is a bug and is returned unchanged.
 */
export function fromNative(e: unknown, context?: string): unknown {
  if (!(e instanceof Error) || e instanceof ReflashError) return e;
  const m = CODED.exec(e.message);
  if (!m || !(m[1]! in ErrorCodes)) return e;
  return new ReflashError(m[1] as ErrorCode, context ? `${context}: ${m[2]!}` : m[2]!);
}

/** Runs a native call, rethrowing its coded errors as ReflashError. */
export function callNative<T>(call: () => T, context?: string): T {
  try {
    return call();
  } catch (e) {
    throw fromNative(e, context);
  }
}
