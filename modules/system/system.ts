/** The chip itself: restart, free C heap, a monotonic clock. */

/** Restarts the chip; does not return. On the host it ends the run. */
export function restart(): never {
  native('xs_system_restart')();
  throw new Error('restart returned');
}

/** Bytes free in the C heap (not the XS heap). */
export function freeHeap(): number {
  return native('xs_system_free_heap')();
}

/** Milliseconds since boot, monotonic (on the host: real time plus the modelled flash time). */
export function ticks(): number {
  return native('xs_system_ticks')();
}
