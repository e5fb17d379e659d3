/**
 * Byte helpers shared by the format parsers. Plain Uint8Array/DataView code:
 * it runs in XS, where there is no Buffer, TextEncoder or TextDecoder.
 */

/** Reads `target.length` bytes at `offset` (relative to the start of the image) into `target`. */
export type ReadFn = (offset: number, target: Uint8Array) => void;

/** A ReadFn over bytes in memory. Reads past the end are a caller bug (parsers bound-check first), so they throw RangeError. */
export function arrayReader(bytes: Uint8Array): ReadFn {
  return (offset, target) => {
    if (offset < 0 || offset > bytes.length || target.length > bytes.length - offset) {
      throw new RangeError(`read ${offset}+${target.length} outside ${bytes.length} bytes`);
    }
    target.set(bytes.subarray(offset, offset + target.length));
  };
}

/** Largest piece read at a time when a verifier pulls bytes: one flash sector. */
export const VERIFY_PIECE = 4096;

/**
 * Feed `size` bytes from `read` to a push verifier in pieces of at most
 * VERIFY_PIECE (one buffer, reused), stopping early once it says it is done:
 * the pull form of every streaming verifier.
 */
export function pullInto(read: ReadFn, size: number, verifier: { update(chunk: Uint8Array): void; readonly done: boolean }): void {
  const piece = new Uint8Array(Math.min(VERIFY_PIECE, Math.max(size, 1)));
  for (let o = 0; o < size && !verifier.done; ) {
    const n = Math.min(piece.length, size - o);
    const target = n === piece.length ? piece : piece.subarray(0, n);
    read(o, target);
    verifier.update(target);
    o += n;
  }
}

export function u16(b: Uint8Array, o: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint16(o, true);
}

export function u32(b: Uint8Array, o: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(o, true);
}

export function put16(b: Uint8Array, o: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint16(o, v, true);
}

export function put32(b: Uint8Array, o: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(o, v >>> 0, true);
}

const HEX = '0123456789abcdef';

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

/** Lower- or upper-case hex of even length, else undefined. */
export function fromHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A NUL-terminated (or full-width) string field; bytes above 0x7E become '?' so reports stay printable. */
export function cString(b: Uint8Array, o: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    const c = b[o + i];
    if (c === 0) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

/** Writes ASCII `s` into a zero-filled field of `width` bytes (truncating). */
export function putCString(b: Uint8Array, o: number, width: number, s: string): void {
  for (let i = 0; i < width; i++) b[o + i] = i < s.length ? s.charCodeAt(i) & 0x7f : 0;
}

/** UTF-8 encoding (TextEncoder is not in XS everywhere). */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Strict UTF-8 decoding; undefined on any malformed, overlong or surrogate sequence. */
export function utf8Decode(b: Uint8Array): string | undefined {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let n: number;
    let cp: number;
    let min: number;
    if (c < 0x80) { s += String.fromCharCode(c); i++; continue; }
    else if ((c & 0xe0) === 0xc0) { n = 1; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) === 0xe0) { n = 2; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) === 0xf0) { n = 3; cp = c & 0x07; min = 0x10000; }
    else return undefined;
    if (i + n >= b.length) return undefined;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    s += String.fromCodePoint(cp);
    i += n + 1;
  }
  return s;
}

/**
 * Deterministic pseudo-random bytes (xorshift32), so generated test images,
 * demo bundles and benchmarks are byte-identical from run to run.
 */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed >>> 0) || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
