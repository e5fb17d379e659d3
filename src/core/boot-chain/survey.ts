/**
 * A flash dump described for `reflasher inspect`: what boots, and what each
 * partition of the table holds.
 */
import type { Partition } from '../ports';
import { AppSubtype, DataSubtype, PartitionType } from '../ports';
import { ReflashError } from '../errors';
import type { ErrorCode } from '../errors';
import { type BootChainInput, type BootResult, modelBoot } from './model';
import { verifyEspImage } from '../formats/esp-image';
import { MCUBOOT_MAGIC, verifyMcubootImage } from '../formats/mcuboot';
import { u32 } from '../formats/bytes';
import { parseOtadata } from '../formats/otadata';
import { OTADATA_SIZE } from '../formats/partition-table';

export interface PartitionContent {
  partition: Partition;
  /** What was looked for there. */
  expected: 'app' | 'otadata' | 'data';
  /** Erased: every byte of the first 4 KiB is 0xFF. */
  erased: boolean;
  ok: boolean;
  code?: ErrorCode;
  summary: string;
}

export interface FlashSurvey {
  boot: BootResult;
  partitions: PartitionContent[];
}

function isErased(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) return false;
  return true;
}

/**
 * Models the boot, then looks into every partition of the table it found:
 * apps are verified as ESP apps (or MCUboot images, when they start with its
 * magic), otadata is decoded, data partitions are reported erased or not.
 */
export function surveyFlash(input: BootChainInput): FlashSurvey {
  const boot = modelBoot(input);
  const partitions: PartitionContent[] = [];
  for (const p of boot.partitions ?? []) {
    const head = new Uint8Array(Math.min(0x1000, p.size, Math.max(0, input.flashSize - p.address)));
    input.read(p.address, head);
    const erased = isErased(head);
    const read = (o: number, t: Uint8Array) => input.read(p.address + o, t);
    const size = Math.min(p.size, input.flashSize - p.address);
    let entry: PartitionContent;
    if (p.type === PartitionType.app && (p.subtype === AppSubtype.factory || p.subtype === AppSubtype.test || (p.subtype & 0xf0) === AppSubtype.ota0)) {
      entry = { partition: p, expected: 'app', erased, ok: false, summary: 'erased' };
      if (!erased) {
        try {
          const mcuboot = head.length >= 4 && u32(head, 0) === MCUBOOT_MAGIC;
          if (mcuboot) {
            const m = verifyMcubootImage(read, size, { crypto: input.crypto, slotSize: p.size });
            entry = { ...entry, ok: true, summary: `MCUboot image ${m.header.version}, ${m.length} bytes` };
          } else {
            const a = verifyEspImage(read, size, { crypto: input.crypto, kind: 'app', chip: input.chip, regionSize: p.size });
            entry = { ...entry, ok: true, summary: `app ${a.appDescriptor!.projectName} ${a.appDescriptor!.version}, ${a.length} bytes` };
          }
        } catch (e) {
          if (!(e instanceof ReflashError)) throw e;
          entry = { ...entry, code: e.code, summary: e.message };
        }
      }
    } else if (p.type === PartitionType.data && p.subtype === DataSubtype.ota && p.size >= OTADATA_SIZE && p.address + OTADATA_SIZE <= input.flashSize) {
      const od = new Uint8Array(OTADATA_SIZE);
      input.read(p.address, od);
      const info = parseOtadata(od);
      const active = info.active >= 0 ? `copy ${info.active} active, seq ${info.entries[info.active].seq}` : info.blank ? 'blank' : 'no valid copy';
      entry = { partition: p, expected: 'otadata', erased: isErased(od), ok: true, summary: active };
    } else {
      entry = { partition: p, expected: 'data', erased, ok: true, summary: erased ? 'erased (first 4 KiB)' : 'holds data' };
    }
    partitions.push(entry);
  }
  return { boot, partitions };
}
