/**
 * The flash timing model of DESIGN.md §5 (W25Q32JV class, typical figures),
 * the same numbers the host simulator charges (host/sim); a test keeps the two
 * in step.
 */
export const Timing = {
  pageBytes: 256,
  pageProgramMs: 0.4,
  erase4kMs: 45,
  erase32kMs: 120,
  erase64kMs: 150,
} as const;

export type FlashOp =
  | { op: 'erase'; address: number; length: number }
  | { op: 'write'; address: number; length: number }
  | { op: 'read'; address: number; length: number };

export interface OpTotals {
  erase4k: number;
  erase32k: number;
  erase64k: number;
  pagesProgrammed: number;
  bytesWritten: number;
  bytesRead: number;
  modeledMs: number;
}

/**
 * How esp_flash_erase_region splits a region (esp_flash_api.c, v6.0): a 64 KiB
 * block erase where the address is block aligned and 64 KiB remain, else a
 * 4 KiB sector erase. The driver never issues 32 KiB erases.
 * 0x11000+0x20000 -> 15 x 4K (to 0x20000), 1 x 64K, 1 x 4K.
 */
export function eraseUnits(address: number, length: number): number[] {
  const units: number[] = [];
  for (let a = address, left = length; left > 0;) {
    const unit = a % 0x10000 === 0 && left >= 0x10000 ? 0x10000 : 0x1000;
    units.push(unit);
    a += unit;
    left -= unit;
  }
  return units;
}

/** Pages a write touches: esp_flash_write programs page by page. 0x1080+0x100 -> 2 pages. */
export function pagesTouched(address: number, length: number): number {
  if (length === 0) return 0;
  const first = Math.floor(address / Timing.pageBytes);
  const last = Math.floor((address + length - 1) / Timing.pageBytes);
  return last - first + 1;
}

export function totals(ops: Iterable<FlashOp>): OpTotals {
  const t: OpTotals = { erase4k: 0, erase32k: 0, erase64k: 0, pagesProgrammed: 0, bytesWritten: 0, bytesRead: 0, modeledMs: 0 };
  for (const o of ops) {
    if (o.op === 'erase') {
      for (const unit of eraseUnits(o.address, o.length)) {
        if (unit === 0x10000) { t.erase64k++; t.modeledMs += Timing.erase64kMs; } else { t.erase4k++; t.modeledMs += Timing.erase4kMs; }
      }
    } else if (o.op === 'write') {
      const pages = pagesTouched(o.address, o.length);
      t.pagesProgrammed += pages;
      t.bytesWritten += o.length;
      t.modeledMs += pages * Timing.pageProgramMs;
    } else {
      t.bytesRead += o.length;
    }
  }
  return t;
}
