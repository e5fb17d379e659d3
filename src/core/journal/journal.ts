import type { CryptoPort, FlashPort } from '../ports';
import type { Plan } from '../plan-types';
import { ReflashError, hex } from '../errors';
import { crc32 } from '../crc32';
import { encodePlan, decodePlan } from './plan-codec';
import {
  HEADER_SIZE, HeaderField, JOURNAL_MAGIC, JOURNAL_SECTORS, JOURNAL_VERSION,
  RECORD_MARK, RECORD_SIZE, RecordField, RecordType, type RecordTypeValue,
} from './layout';

export interface JournalRecord { type: RecordTypeValue; step: number; slot: number }

/** What a journal found on flash says. */
export interface JournalState {
  plan: Plan;
  records: JournalRecord[];
  /** Slots programmed but failing their CRC: a power cut during that record's write. */
  tornSlots: number[];
  /** First step not recorded done: where a resumed run starts. */
  resumeAt: number;
  /** The job-done record is there: nothing to resume. */
  finished: boolean;
}

const SECTOR = 4096;

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function allErased(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0xff) return false;
  return true;
}

/** True when `length` bytes at `address` read 0xFF. */
function allErasedFlash(flash: FlashPort, address: number, length: number): boolean {
  const sector = new Uint8Array(SECTOR);
  for (let done = 0; done < length; done += SECTOR) {
    flash.read(address + done, sector);
    if (!allErased(sector)) return false;
  }
  return true;
}

/**
 * A plan written once, then progress appended as records that only clear
 * bits. Lives in two sectors the plan reserves (the end of the staging
 * partition), so the firmware finds it again after a power cut.
 */
export class Journal {
  private constructor(
    private readonly flash: FlashPort,
    readonly address: number,
    private nextSlot: number,
  ) {}

  static readonly size = JOURNAL_SECTORS * SECTOR;

  /**
   * Erase the two sectors at `address` (unless they read erased), write the
   * header and the plan, and read them back.
   * @param address 4 KiB aligned; the 8 KiB from there belong to the journal
   * @throws ReflashError JOURNAL_PLAN_TOO_BIG, READBACK_MISMATCH, FLASH_* from the port.
   */
  static create(flash: FlashPort, crypto: CryptoPort, address: number, plan: Plan): Journal {
    const planBytes = encodePlan(plan);
    if (planBytes.length > SECTOR - HEADER_SIZE) {
      throw new ReflashError('JOURNAL_PLAN_TOO_BIG', `journal: the plan takes ${planBytes.length} bytes, the journal holds ${SECTOR - HEADER_SIZE}; split the job into fewer images per bundle`, { bytes: planBytes.length });
    }
    const block = new Uint8Array(HEADER_SIZE + planBytes.length);
    const view = new DataView(block.buffer);
    view.setUint32(HeaderField.magic, JOURNAL_MAGIC, true);
    view.setUint16(HeaderField.version, JOURNAL_VERSION, true);
    view.setUint16(HeaderField.headerSize, HEADER_SIZE, true);
    view.setUint32(HeaderField.planLength, planBytes.length, true);
    const sha = crypto.sha256();
    sha.update(planBytes);
    block.set(sha.digest(), HeaderField.planSha256);
    view.setUint32(HeaderField.crc, crc32(block.subarray(0, HeaderField.crc)), true);
    block.set(planBytes, HEADER_SIZE);

    // The engine erased the staging area, journal included, before the plan was made final (staging-erase.ts).
    if (!allErasedFlash(flash, address, Journal.size)) flash.erase(address, Journal.size);
    flash.write(address, block);
    const back = new Uint8Array(block.length);
    flash.read(address, back);
    if (!same(back, block)) {
      throw new ReflashError('READBACK_MISMATCH', `journal at ${hex(address)}: read-back of the header and plan differs from what was written; the flash may be failing`, { address });
    }
    return new Journal(flash, address, 0);
  }

  /**
   * Read the journal at `address`.
   * @returns null when there is none: erased, another magic, or a header or
   * plan torn by a power cut before the plan was complete (nothing destructive
   * had happened yet, so the job starts over).
   * @throws ReflashError JOURNAL_CORRUPT (valid header, unreadable plan), JOURNAL_INCONSISTENT.
   */
  static open(flash: FlashPort, crypto: CryptoPort, address: number): { journal: Journal; state: JournalState } | null {
    const sector = new Uint8Array(SECTOR);
    flash.read(address, sector);
    const view = new DataView(sector.buffer);
    if (view.getUint32(HeaderField.magic, true) !== JOURNAL_MAGIC) return null;
    if (view.getUint32(HeaderField.crc, true) !== crc32(sector.subarray(0, HeaderField.crc))) return null;
    const length = view.getUint32(HeaderField.planLength, true);
    if (view.getUint16(HeaderField.version, true) !== JOURNAL_VERSION || length > SECTOR - HEADER_SIZE) {
      throw new ReflashError('JOURNAL_CORRUPT', `journal at ${hex(address)}: version ${view.getUint16(HeaderField.version, true)} or plan length ${length} is not this firmware's; finish the job with the firmware that began it`, { address });
    }
    const planBytes = sector.slice(HEADER_SIZE, HEADER_SIZE + length);
    const sha = crypto.sha256();
    sha.update(planBytes);
    if (!same(sha.digest(), sector.subarray(HeaderField.planSha256, HeaderField.planSha256 + 32))) return null;
    const plan = decodePlan(planBytes);

    flash.read(address + SECTOR, sector);
    const { records, tornSlots, nextSlot } = readRecords(sector, address);
    const state: JournalState = { plan, records, tornSlots, ...progress(records, plan.steps.length, address) };
    return { journal: new Journal(flash, address, nextSlot), state };
  }

  /** Append a record: one write into an erased slot, read back. */
  record(type: RecordTypeValue, step: number): void {
    if (this.nextSlot >= SECTOR / RECORD_SIZE) {
      throw new ReflashError('JOURNAL_FULL', `journal at ${hex(this.address)}: all ${SECTOR / RECORD_SIZE} record slots used; a job has at most 16 images, so this is a bug`, { address: this.address });
    }
    const slot = this.nextSlot++;
    const rec = new Uint8Array(RECORD_SIZE);
    const view = new DataView(rec.buffer);
    rec[RecordField.type] = type;
    rec[RecordField.mark] = RECORD_MARK;
    view.setUint16(RecordField.step, step, true);
    view.setUint32(RecordField.slot, slot, true);
    view.setUint32(RecordField.value, 0, true);
    view.setUint32(RecordField.crc, crc32(rec.subarray(0, RecordField.crc)), true);
    const at = this.address + SECTOR + slot * RECORD_SIZE;
    this.flash.write(at, rec);
    const back = new Uint8Array(RECORD_SIZE);
    this.flash.read(at, back);
    if (!same(back, rec)) {
      throw new ReflashError('READBACK_MISMATCH', `journal record ${slot} at ${hex(at)}: read-back differs from what was written`, { address: at });
    }
  }
}

/** Scan the record sector; a torn slot is skipped, as the writer skipped it after the cut. */
function readRecords(sector: Uint8Array, address: number): { records: JournalRecord[]; tornSlots: number[]; nextSlot: number } {
  const records: JournalRecord[] = [];
  const tornSlots: number[] = [];
  let nextSlot = 0;
  for (let slot = 0; slot < SECTOR / RECORD_SIZE; slot++) {
    const rec = sector.subarray(slot * RECORD_SIZE, (slot + 1) * RECORD_SIZE);
    if (allErased(rec)) continue;
    nextSlot = slot + 1;
    const view = new DataView(rec.buffer, rec.byteOffset, RECORD_SIZE);
    if (rec[RecordField.mark] !== RECORD_MARK || view.getUint32(RecordField.crc, true) !== crc32(rec.subarray(0, RecordField.crc))) {
      tornSlots.push(slot);
      continue;
    }
    if (view.getUint32(RecordField.slot, true) !== slot) {
      throw new ReflashError('JOURNAL_INCONSISTENT', `journal at ${hex(address)}: record in slot ${slot} says slot ${view.getUint32(RecordField.slot, true)}`, { slot });
    }
    records.push({ type: rec[RecordField.type] as RecordTypeValue, step: view.getUint16(RecordField.step, true), slot });
  }
  return { records, tornSlots, nextSlot };
}

/** Steps run in order, so the done steps must be 0..k-1 exactly. */
function progress(records: JournalRecord[], stepCount: number, address: number): { resumeAt: number; finished: boolean } {
  let resumeAt = 0;
  let finished = false;
  for (const r of records) {
    if (r.type === RecordType.stepDone) {
      if (r.step !== resumeAt) {
        throw new ReflashError('JOURNAL_INCONSISTENT', `journal at ${hex(address)}: step ${r.step} recorded done while step ${resumeAt} was not`, { step: r.step });
      }
      resumeAt++;
    } else if (r.type === RecordType.jobDone) {
      finished = true;
    } else if (r.type !== RecordType.stepBegin) {
      throw new ReflashError('JOURNAL_INCONSISTENT', `journal at ${hex(address)}: unknown record type 0x${(r.type as number).toString(16)} in slot ${r.slot}`, { slot: r.slot });
    }
  }
  if (resumeAt > stepCount) {
    throw new ReflashError('JOURNAL_INCONSISTENT', `journal at ${hex(address)}: ${resumeAt} steps done, the plan has ${stepCount}`, { steps: stepCount });
  }
  return { resumeAt, finished };
}
