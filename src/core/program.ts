/**
 * Programming a sector into erased flash without programming pages that stay
 * 0xFF: NOR erases to 0xFF, so a page of 0xFF needs no program, yet
 * esp_flash_write programs every 256-byte page it is given (0.4 ms each,
 * DESIGN.md section 5). A partition table is 0xC00 bytes padded to a 4 KiB
 * sector: 2 pages hold entries, 14 are 0xFF.
 */
import type { FlashPort } from './ports';

/** The flash's program unit: esp_flash_write splits writes at 256-byte page boundaries. */
export const PAGE_SIZE = 256;
const PAGE_WORDS = PAGE_SIZE / 4;

function pageErased(words: Uint32Array, page: number): boolean {
  const end = (page + 1) * PAGE_WORDS;
  for (let i = page * PAGE_WORDS; i < end; i++) if (words[i] !== 0xffffffff) return false;
  return true;
}

/**
 * Write `data` at `address` (erased flash), one write per run of pages that
 * are not all 0xFF: 16 pages of which 2 hold data -> one 512-byte write.
 * @param address a multiple of PAGE_SIZE
 * @param words `data` seen as 32-bit words (same bytes); `data.length` a multiple of PAGE_SIZE
 * @returns the pages programmed
 * @throws ReflashError the port's `FLASH_*` codes.
 */
export function writeDataPages(flash: FlashPort, address: number, data: Uint8Array, words: Uint32Array): number {
  const pages = data.length / PAGE_SIZE;
  let programmed = 0;
  let page = 0;
  while (page < pages) {
    while (page < pages && pageErased(words, page)) page++;
    const first = page;
    while (page < pages && !pageErased(words, page)) page++;
    if (page === first) break;
    // The whole buffer in one call when no page is skipped: no subarray to allocate.
    flash.write(address + first * PAGE_SIZE, first === 0 && page === pages ? data : data.subarray(first * PAGE_SIZE, page * PAGE_SIZE));
    programmed += page - first;
  }
  return programmed;
}
