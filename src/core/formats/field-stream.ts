/**
 * The pull loop the streaming image verifiers share (ESP images, MCUboot).
 * Bytes arrive in chunks of any size. Each byte either passes through a run
 * of known length (a segment's data, an MCUboot body: hashed, never held) or
 * is gathered into `buf` until a field of `need` bytes is whole (a header, a
 * TLV area). The subclass says which, what each part feeds, and what
 * follows.
 */
export abstract class FieldStream {
  protected buf: Uint8Array;
  protected need: number;
  protected fill = 0;
  /** Bytes consumed so far. */
  protected pos = 0;
  /** Bytes left in the current pass-through run. */
  protected remaining = 0;

  /** @param first the size of the first field */
  protected constructor(first: number) {
    this.buf = new Uint8Array(first);
    this.need = first;
  }

  /** True once the stream has ended: later bytes are not its own. */
  abstract get done(): boolean;
  /** True while a pass-through run is under way. */
  protected abstract get passing(): boolean;
  /** Bytes of a pass-through run, in order. */
  protected abstract passed(part: Uint8Array): void;
  /** The run has passed (`remaining` reached 0). */
  protected abstract runComplete(): void;
  /** Bytes gathered into the current field, in order. */
  protected abstract gathered(part: Uint8Array): void;
  /** `need` bytes are in `buf`. */
  protected abstract fieldComplete(): void;

  /** Consumes `chunk` up to the stream's end; returns how many of its bytes were the stream's. */
  protected feed(chunk: Uint8Array): number {
    let i = 0;
    while (i < chunk.length && !this.done) {
      if (this.passing) {
        const n = Math.min(this.remaining, chunk.length - i);
        this.passed(chunk.subarray(i, i + n));
        this.remaining -= n;
        this.pos += n;
        i += n;
        if (this.remaining === 0) this.runComplete();
      } else {
        const n = Math.min(this.need - this.fill, chunk.length - i);
        const part = chunk.subarray(i, i + n);
        this.buf.set(part, this.fill);
        this.gathered(part);
        this.fill += n;
        this.pos += n;
        i += n;
        if (this.fill === this.need) this.fieldComplete();
      }
    }
    return i;
  }

  /** The next field is `n` bytes. */
  protected gather(n: number): void {
    this.need = n;
    this.fill = 0;
    if (this.buf.length < n) this.buf = new Uint8Array(n);
  }
}
