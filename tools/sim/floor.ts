/**
 * The floor of a job (issue 8, DESIGN.md section 5): the modelled time of the
 * flash work no firmware can avoid on this device, from the flash before the
 * job and the images. Pure: no Node, no engine state.
 *
 * - Every destination sector whose content must change (the image padded with
 *   0xFF to whole sectors, against the flash before): erased when it holds
 *   anything but 0xFF, and programmed page by page for its pages that are not
 *   all 0xFF.
 * - For each staged image (its destination is in use), the same for its copy
 *   at its staging address.
 * - Erases with the units ESP-IDF's driver issues (esp_flash_erase_region: a
 *   64 KiB block where aligned, else 4 KiB sectors, never 32 KiB): per 64 KiB
 *   block, one block erase when every sector of the block may be erased and
 *   that is cheaper than the sector erases it replaces (4 or more sectors:
 *   150 ms < 4 x 45 ms), else one sector erase per sector that needs it.
 *   A destination sector may be erased when it changes or already reads
 *   erased (and lies in the image's own sectors); a staging sector may always
 *   be erased (staging holds nothing the device needs).
 * Not counted: reads, hashing, the network, the journal.
 */
import { Timing } from '../../bench/model/timing';

const SECTOR = 0x1000;
const BLOCK = 0x10000;
const PAGE = Timing.pageBytes;
const SECTORS_PER_BLOCK = BLOCK / SECTOR;

export interface FloorImage {
  name: string;
  destination: number;
  bytes: Uint8Array;
  /** Where the engine's plan stages it, or null when it is written straight to its destination. */
  stagingAddress: number | null;
}

export interface FloorInput {
  /** The whole flash before the job. */
  before: Uint8Array;
  images: readonly FloorImage[];
  /** The staging partition, whose sectors may all be erased; null when nothing is staged. */
  staging: { address: number; size: number } | null;
}

export interface Floor {
  ms: number;
  erase4k: number;
  erase64k: number;
  pagePrograms: number;
  /** Destination sectors whose content must change, and those already right. */
  sectorsChanged: number;
  sectorsUnchanged: number;
  /** Staging sectors written (changed) for staged images. */
  stagingSectors: number;
}

function allFF(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0xff) return false;
  return true;
}

function sameRange(a: Uint8Array, aFrom: number, b: Uint8Array, bFrom: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aFrom + i] !== b[bFrom + i]) return false;
  return true;
}

/** Per-sector facts, by absolute sector index. */
interface SectorMap {
  /** Must be erased: changes and holds data. */
  need: Set<number>;
  /** May be erased without losing anything the job keeps. */
  may: Set<number>;
}

/**
 * Place `bytes` (padded to whole sectors) at `address`: count the pages to
 * program of each changed sector and mark what must and may be erased.
 * @returns [changed, unchanged] sector counts
 */
function place(before: Uint8Array, address: number, bytes: Uint8Array, map: SectorMap, pages: { n: number }): [number, number] {
  let changed = 0;
  let unchanged = 0;
  for (let o = 0; o < bytes.length; o += SECTOR) {
    const s = (address + o) / SECTOR;
    const n = Math.min(SECTOR, bytes.length - o);
    // 0x1000 bytes from o: image bytes [o, o + n), then 0xFF padding.
    const same = sameRange(before, address + o, bytes, o, n) && allFF(before, address + o + n, address + o + SECTOR);
    const blank = allFF(before, address + o, address + o + SECTOR);
    if (blank) map.may.add(s);
    if (same) { unchanged++; continue; }
    changed++;
    map.may.add(s);
    if (!blank) map.need.add(s);
    for (let p = 0; p < n; p += PAGE) if (!allFF(bytes, o + p, o + Math.min(p + PAGE, n))) pages.n++;
  }
  return [changed, unchanged];
}

/**
 * The cheapest erase of every sector in `need` with 4 KiB sectors and 64 KiB
 * blocks: 16 needed sectors in a block -> 150 ms (not 720); 3 -> 135 ms.
 */
export function eraseCover(need: ReadonlySet<number>, may: ReadonlySet<number>): { erase4k: number; erase64k: number; ms: number } {
  const blocks = new Map<number, number>();
  for (const s of need) blocks.set(Math.floor(s / SECTORS_PER_BLOCK), (blocks.get(Math.floor(s / SECTORS_PER_BLOCK)) ?? 0) + 1);
  let erase4k = 0;
  let erase64k = 0;
  for (const [block, needed] of blocks) {
    let whole = true;
    for (let s = block * SECTORS_PER_BLOCK; s < (block + 1) * SECTORS_PER_BLOCK; s++) if (!may.has(s)) whole = false;
    if (whole && Timing.erase64kMs < needed * Timing.erase4kMs) erase64k++;
    else erase4k += needed;
  }
  return { erase4k, erase64k, ms: erase4k * Timing.erase4kMs + erase64k * Timing.erase64kMs };
}

export function computeFloor(input: FloorInput): Floor {
  const map: SectorMap = { need: new Set(), may: new Set() };
  const pages = { n: 0 };
  let sectorsChanged = 0;
  let sectorsUnchanged = 0;
  let stagingSectors = 0;
  for (const im of input.images) {
    const [changed, unchanged] = place(input.before, im.destination, im.bytes, map, pages);
    sectorsChanged += changed;
    sectorsUnchanged += unchanged;
    if (im.stagingAddress !== null) stagingSectors += place(input.before, im.stagingAddress, im.bytes, map, pages)[0];
  }
  if (input.staging) {
    for (let a = input.staging.address; a < input.staging.address + input.staging.size; a += SECTOR) map.may.add(a / SECTOR);
  }
  const cover = eraseCover(map.need, map.may);
  return {
    ms: Math.round((cover.ms + pages.n * Timing.pageProgramMs) * 10) / 10,
    erase4k: cover.erase4k,
    erase64k: cover.erase64k,
    pagePrograms: pages.n,
    sectorsChanged,
    sectorsUnchanged,
    stagingSectors,
  };
}

/** The floor's images from the engine's own plan (which images it stages, and where). */
export function floorInputFromPlan(
  before: Uint8Array,
  plan: { staging: { address: number; size: number } | null; images: ReadonlyArray<{ name: string; destination: number; stagingAddress: number | null }> },
  bytes: ReadonlyMap<string, Uint8Array>,
): FloorInput {
  return {
    before,
    staging: plan.staging ? { address: plan.staging.address, size: plan.staging.size } : null,
    images: plan.images.map((im) => {
      const b = bytes.get(im.name);
      if (!b) throw new Error(`floor: no bytes for image "${im.name}"`);
      return { name: im.name, destination: im.destination, bytes: b, stagingAddress: im.stagingAddress };
    }),
  };
}
