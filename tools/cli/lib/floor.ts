/**
 * The floor of a job: the modelled time no firmware can beat on this device
 * (DESIGN.md section 5). It counts, from the dump and the bundle:
 *  - every destination sector whose content must change (the image padded
 *    with 0xFF to the sector); erased when it holds anything but 0xFF, with
 *    the largest erase unit alignment allows (flash-time.ts), and programmed
 *    page by page for its pages that are not all 0xFF;
 *  - for each image the plan stages (in-use destinations), the same for its
 *    staging copy: the staging sectors are erased unless blank, and programmed.
 * Reads, hashing, the network and the journal are not counted.
 */
import type { Partition } from '../../../src/core/ports';
import type { BundleManifest } from '../../../src/core/bundle/manifest';
import { bundleToJobSpec } from '../../../src/core/bundle/to-job';
import { makePlan } from '../../../src/core/plan';
import type { Plan } from '../../../src/core/plan-types';
import { chipInfo } from '../../../src/core/formats/chips';
import { MS, PAGE, SECTOR, eraseCover } from './flash-time';

export interface Floor {
  ms: number;
  erase4k: number;
  erase32k: number;
  erase64k: number;
  pagePrograms: number;
  /** Destination sectors that must change, and those already right. */
  sectorsChanged: number;
  sectorsUnchanged: number;
  /** Sectors of staging copies. */
  stagingSectors: number;
}

function allFF(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0xff) return false;
  return true;
}

/** The image as it will sit in flash: padded with 0xFF to whole sectors. */
function padded(image: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(image.length / SECTOR) * SECTOR).fill(0xff);
  out.set(image);
  return out;
}

export interface FloorInput {
  dump: Uint8Array;
  chip: string;
  tableOffset: number;
  partitions: Partition[];
  running: Partition;
  manifest: BundleManifest;
  images: Map<string, Uint8Array>;
}

/** The engine's own plan for this dump, to know which images are staged and where. */
export function planFor(input: FloorInput): Plan {
  const job = bundleToJobSpec(input.manifest, {});
  return makePlan(job, {
    layout: { chip: input.chip, bootloaderOffset: chipInfo(input.chip).bootloaderOffset, partitionTableOffset: input.tableOffset },
    partitions: input.partitions, running: input.running,
    flash: { size: input.dump.length, sectorSize: SECTOR },
    sources: job.images.map((i) => ({ length: i.size, flashRange: undefined })),
  });
}

export function computeFloor(input: FloorInput, plan: Plan): Floor {
  const need = new Set<number>();
  const rewritten = new Set<number>();
  let pages = 0;
  let changed = 0;
  let unchanged = 0;
  let staging = 0;
  const place = (address: number, content: Uint8Array, counts: boolean) => {
    for (let o = 0; o < content.length; o += SECTOR) {
      const s = (address + o) / SECTOR;
      const current = input.dump.subarray(address + o, address + o + SECTOR);
      const target = content.subarray(o, o + SECTOR);
      if (Buffer.compare(current, target) === 0) { if (counts) unchanged++; continue; }
      if (counts) changed++; else staging++;
      rewritten.add(s);
      if (!allFF(current, 0, SECTOR)) need.add(s);
      for (let p = 0; p < SECTOR; p += PAGE) if (!allFF(target, p, p + PAGE)) pages++;
    }
  };
  for (const im of plan.images) {
    const content = padded(input.images.get(im.name)!);
    place(im.destination, content, true);
    if (im.stagingAddress !== null) place(im.stagingAddress, content, false);
  }
  const cover = eraseCover(need, (s) => rewritten.has(s) || allFF(input.dump, s * SECTOR, (s + 1) * SECTOR));
  return {
    ms: Math.round((cover.ms + pages * MS.page) * 10) / 10,
    erase4k: cover.erase4k, erase32k: cover.erase32k, erase64k: cover.erase64k,
    pagePrograms: pages, sectorsChanged: changed, sectorsUnchanged: unchanged, stagingSectors: staging,
  };
}
