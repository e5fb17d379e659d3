/**
 * Modelled NOR timings (DESIGN.md section 5, typical values; the host
 * simulator charges the same, docs/host-runtime.md) and the cheapest erase
 * cover of a set of sectors.
 */
export const MS = { erase4k: 45, erase32k: 120, erase64k: 150, page: 0.4 } as const;
export const SECTOR = 0x1000;
export const PAGE = 0x100;

export interface EraseCover { erase4k: number; erase32k: number; erase64k: number; ms: number }

/**
 * The cheapest erase of every sector in `need`, with 32 and 64 KiB blocks
 * wherever alignment allows and every sector of the block may be erased
 * (`mayErase`: it is erased already, or is rewritten anyway).
 * Per 64 KiB block: min(one 64 KiB erase, best of each 32 KiB half), and per
 * half: min(one 32 KiB erase, 45 ms per needed sector).
 * e.g. 16 needed sectors -> 150 ms (not 16 x 45 = 720); 2 -> 90 ms.
 */
export function eraseCover(need: Set<number>, mayErase: (sector: number) => boolean): EraseCover {
  const blocks = new Set<number>();
  for (const s of need) blocks.add(Math.floor(s / 16));
  const total: EraseCover = { erase4k: 0, erase32k: 0, erase64k: 0, ms: 0 };
  for (const b of blocks) {
    const half = (h: number): EraseCover => {
      const first = b * 16 + h * 8;
      let needed = 0;
      let all = true;
      for (let s = first; s < first + 8; s++) {
        if (need.has(s)) needed++;
        else if (!mayErase(s)) all = false;
      }
      if (needed === 0) return { erase4k: 0, erase32k: 0, erase64k: 0, ms: 0 };
      return all && MS.erase32k < needed * MS.erase4k
        ? { erase4k: 0, erase32k: 1, erase64k: 0, ms: MS.erase32k }
        : { erase4k: needed, erase32k: 0, erase64k: 0, ms: needed * MS.erase4k };
    };
    const a = half(0);
    const c = half(1);
    let whole = true;
    for (let s = b * 16; s < b * 16 + 16; s++) if (!need.has(s) && !mayErase(s)) whole = false;
    const split = { erase4k: a.erase4k + c.erase4k, erase32k: a.erase32k + c.erase32k, erase64k: 0, ms: a.ms + c.ms };
    const best = whole && MS.erase64k < split.ms ? { erase4k: 0, erase32k: 0, erase64k: 1, ms: MS.erase64k } : split;
    total.erase4k += best.erase4k; total.erase32k += best.erase32k; total.erase64k += best.erase64k; total.ms += best.ms;
  }
  return total;
}
