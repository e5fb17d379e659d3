/**
 * A whole flash dump as the simulator and inspect see it: its chip (given, or
 * read from the bootloader's image header), the table, and what boots.
 */
import { readFileSync } from 'node:fs';
import type { Partition } from '../../../src/core/ports';
import { PartitionType } from '../../../src/core/ports';
import { ReflashError, hex } from '../../../src/core/errors';
import { CHIPS, DEFAULT_PARTITION_TABLE_OFFSET, chipById, chipInfo } from '../../../src/core/formats/chips';
import { arrayReader, u16 } from '../../../src/core/formats/bytes';
import { PTABLE_MAGIC } from '../../../src/core/formats/partition-table';
import { type BootResult, modelBoot } from '../../../src/core/boot-chain/model';
import { nodeCrypto } from './node-crypto';

export interface Dump {
  path: string;
  bytes: Uint8Array;
  chip: string;
  tableOffset: number;
}

/** Flash sizes are powers of two from 256 KiB; the runner needs a multiple of 64 KiB. */
export function looksLikeDump(bytes: Uint8Array, tableOffset = DEFAULT_PARTITION_TABLE_OFFSET): boolean {
  const n = bytes.length;
  return n >= 0x40000 && (n & (n - 1)) === 0 && n > tableOffset + 2 && u16(bytes, tableOffset) === PTABLE_MAGIC;
}

/** The chip whose bootloader offset holds an ESP image naming it. */
export function detectChip(bytes: Uint8Array): string | undefined {
  for (const c of CHIPS) {
    const o = c.bootloaderOffset;
    if (bytes.length > o + 24 && bytes[o] === 0xe9 && u16(bytes, o + 12) === c.chipId) return chipById(c.chipId)?.name;
  }
  return undefined;
}

/**
 * @throws ReflashError `DUMP_INVALID` when the size is no flash size or the chip cannot be told.
 */
export function loadDump(path: string, chip: string | undefined, tableOffset = DEFAULT_PARTITION_TABLE_OFFSET): Dump {
  const bytes = new Uint8Array(readFileSync(path));
  const n = bytes.length;
  if (n < 0x40000 || n % 0x10000 !== 0) {
    throw new ReflashError('DUMP_INVALID', `${path} is ${n} bytes; a flash dump is a whole flash (a multiple of 64 KiB, e.g. 0x400000 for 4 MiB): read it with esptool.py read_flash 0 ALL`, { size: n });
  }
  const name = chip ?? detectChip(bytes);
  if (!name) throw new ReflashError('DUMP_INVALID', `${path}: no bootloader image at any chip's bootloader offset tells the chip: pass --chip`, {});
  chipInfo(name);
  return { path, bytes, chip: name, tableOffset };
}

export function bootOf(dump: { bytes: Uint8Array; chip: string; tableOffset: number }): BootResult {
  return modelBoot({ read: arrayReader(dump.bytes), flashSize: dump.bytes.length, chip: dump.chip, crypto: nodeCrypto, partitionTableOffset: dump.tableOffset });
}

/**
 * The app the device runs now: the boot model's choice. --running overrides.
 * @throws ReflashError `DUMP_INVALID` when nothing boots and no label was given.
 */
export function runningLabel(boot: BootResult, given: string | undefined): string {
  if (given) {
    const p = boot.partitions?.find((q) => q.label === given);
    if (boot.partitions && (!p || p.type !== PartitionType.app)) {
      throw new ReflashError('DUMP_INVALID', `--running ${given}: no app partition of that label; the table has ${appLabels(boot.partitions).join(', ')}`, { label: given });
    }
    return given;
  }
  if (!boot.boots || !boot.image?.label) {
    const failed = boot.steps.find((s) => !s.ok);
    throw new ReflashError('DUMP_INVALID', `nothing in the dump boots (${failed ? `${failed.stage} at ${hex(failed.address)}: ${failed.code}` : 'no app'}), so the running app is unknown: pass --running <label>`, {});
  }
  return boot.image.label;
}

function appLabels(parts: Partition[]): string[] {
  return parts.filter((p) => p.type === PartitionType.app).map((p) => p.label);
}

/** One line for people: "app "factory" (xs-reflasher 1.0.0) at 0x00020000" or why nothing boots. */
export function bootSummary(boot: BootResult): string {
  if (boot.boots && boot.image) {
    const what = boot.image.kind === 'mcuboot' ? `MCUboot image ${boot.image.version ?? ''}` : `app "${boot.image.label}" (${boot.image.projectName ?? '?'} ${boot.image.version ?? ''})`;
    return `${what} at ${hex(boot.image.address)}${boot.image.fallback ? `, after falling back from ${boot.image.selected}` : ''}`;
  }
  const failed = boot.steps.filter((s) => !s.ok).map((s) => `${s.stage} at ${hex(s.address)}: ${s.code}`);
  return `NOTHING BOOTS (${failed.join('; ') || 'no app partition'})`;
}
