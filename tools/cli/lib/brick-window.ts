/**
 * The brick window: the modelled time during which the device, if it reset,
 * would not boot. Derived from the run's trace (one line per erase unit,
 * write and read, each with the cumulative modelled time):
 *
 *  1. Replay the trace on a copy of the dump: an erase sets its unit to 0xFF;
 *     a write takes its bytes from the flash after the run (the trace holds
 *     no data). That is exact when no byte is written twice in the run; the
 *     result says `exact: false` otherwise.
 *  2. After every erase or write that touches what the boot path reads (the
 *     bootloader region, the partition table, the otadata and app partitions
 *     of the old and the new table), ask the boot-chain model whether
 *     anything boots.
 *  3. An operation counts into the window when the flash before it or after
 *     it does not boot (a reset during it leaves one or a torn mix); any
 *     other operation or read counts when the flash does not boot meanwhile.
 *
 * The window is flash time only: the firmware's own computing between
 * operations is not modelled.
 */
import { readFileSync } from 'node:fs';
import type { Partition } from '../../../src/core/ports';
import { PartitionType, DataSubtype } from '../../../src/core/ports';
import { chipInfo } from '../../../src/core/formats/chips';
import { PTABLE_SECTOR } from '../../../src/core/formats/partition-table';
import { bootOf } from './flash-dump';

export interface BrickWindow {
  ms: number;
  exact: boolean;
  /** Erases and writes evaluated with the boot model. */
  evaluated: number;
  /** Erases and writes after which nothing would boot. */
  unbootableOps: number;
  /** Modelled time (ms from the start) of the first and last such state, or null. */
  firstMs: number | null;
  lastMs: number | null;
  bootsBefore: boolean;
}

interface TraceOp { op: string; address: number; size: number; ms: number; n?: number }

export function readTrace(path: string): TraceOp[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TraceOp);
}

function criticalRanges(chip: string, tableOffset: number, tables: Array<Partition[] | undefined>): Array<[number, number]> {
  const ranges: Array<[number, number]> = [[chipInfo(chip).bootloaderOffset, tableOffset + PTABLE_SECTOR]];
  for (const t of tables) {
    for (const p of t ?? []) {
      if (p.type === PartitionType.app || (p.type === PartitionType.data && p.subtype === DataSubtype.ota)) ranges.push([p.address, p.address + p.size]);
    }
  }
  return ranges;
}

export function brickWindow(o: { before: Uint8Array; after: Uint8Array; trace: TraceOp[]; chip: string; tableOffset: number }): BrickWindow {
  const state = new Uint8Array(o.before);
  const dump = { bytes: state, chip: o.chip, tableOffset: o.tableOffset };
  const bootBefore = bootOf(dump);
  const ranges = criticalRanges(o.chip, o.tableOffset, [bootBefore.partitions, bootOf({ bytes: o.after, chip: o.chip, tableOffset: o.tableOffset }).partitions]);
  const critical = (a: number, size: number) => ranges.some(([s, e]) => a < e && a + size > s);

  // Bytes written more than once: their earlier content is not in the trace.
  const writes = new Uint8Array(state.length);
  let exact = true;
  for (const t of o.trace) {
    if (t.op !== 'write') continue;
    for (let i = t.address; i < t.address + t.size; i++) if (++writes[i] > 1) exact = false;
  }

  let boots = bootBefore.boots;
  let lastMs = 0;
  const result: BrickWindow = { ms: 0, exact, evaluated: 0, unbootableOps: 0, firstMs: null, lastMs: null, bootsBefore: bootBefore.boots };
  for (const t of o.trace) {
    if (typeof t.ms !== 'number') continue;
    const duration = t.ms - lastMs;
    lastMs = t.ms;
    if (t.op === 'erase' || t.op === 'write') {
      if (t.op === 'erase') state.fill(0xff, t.address, t.address + t.size);
      else for (let i = t.address; i < t.address + t.size; i++) state[i] &= o.after[i];
      if (critical(t.address, t.size)) {
        const after = bootOf(dump).boots;
        result.evaluated++;
        if (!after) {
          result.unbootableOps++;
          result.firstMs ??= t.ms - duration;
          result.lastMs = t.ms;
        }
        if (!boots || !after) result.ms += duration;
        boots = after;
        continue;
      }
    }
    if (!boots) result.ms += duration;
  }
  result.ms = Math.round(result.ms * 10) / 10;
  return result;
}
