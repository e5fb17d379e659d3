import { Journal } from '../../src/core/journal/journal';
import { RecordType, RECORD_SIZE, HEADER_SIZE } from '../../src/core/journal/layout';
import { encodePlan, decodePlan } from '../../src/core/journal/plan-codec';
import { makePlan } from '../../src/core/plan';
import type { Plan } from '../../src/core/plan-types';
import { MemoryFlash } from '../support/memory-flash';
import { nodeCrypto, MiB } from '../support/test-platform';
import { inputsFor, img, codeOf } from '../support/plan-inputs';

const AT = 0x3fe000;

function samplePlan(): Plan {
  const job = { images: [img(0x1000, 0x5000, { name: 'bootloader', sha256: 'ab'.repeat(32) }), img(0x8000, 0xc00, { name: 'täble', regionSize: 0xc00 })] };
  return makePlan(job, inputsFor(job));
}

describe('journal on flash', () => {
  test('a created journal opens to the same plan, no records, resume at step 0', () => {
    const flash = new MemoryFlash(4 * MiB);
    const plan = samplePlan();
    Journal.create(flash, nodeCrypto, AT, plan);
    const open = Journal.open(flash, nodeCrypto, AT)!;
    expect(open.state.plan).toEqual(plan);
    expect(open.state).toMatchObject({ records: [], tornSlots: [], resumeAt: 0, finished: false });
  });

  test('the plan codec is ASCII and exact, non-ASCII labels included', () => {
    const plan = samplePlan();
    const bytes = encodePlan(plan);
    expect(bytes.every((b) => b < 0x80)).toBe(true);
    expect(decodePlan(bytes)).toEqual(plan);
  });

  test('decoding a plan never passes more arguments than the XS stack of an ESP32 target holds', () => {
    // Moddable's ESP32 targets give XS a 512-slot stack (384 on some C3 boards); one
    // String.fromCharCode(...1024 bytes) overran it and crashed the resume on the chip.
    const plan = samplePlan();
    const bytes = encodePlan(plan);
    expect(bytes.length).toBeGreaterThan(512);
    const original = String.fromCharCode;
    let most = 0;
    String.fromCharCode = (...codes: number[]) => { most = Math.max(most, codes.length); return original(...codes); };
    try {
      expect(decodePlan(bytes)).toEqual(plan);
    } finally {
      String.fromCharCode = original;
    }
    expect(most).toBeLessThanOrEqual(64);
  });

  test('records advance the resume point with writes only: no erase after creation', () => {
    const flash = new MemoryFlash(4 * MiB);
    const journal = Journal.create(flash, nodeCrypto, AT, samplePlan());
    const erases = flash.ops.filter((o) => o.op === 'erase').length;
    journal.record(RecordType.stepBegin, 0);
    journal.record(RecordType.stepDone, 0);
    journal.record(RecordType.stepDone, 1);
    expect(flash.ops.filter((o) => o.op === 'erase').length).toBe(erases);
    const { state } = Journal.open(flash, nodeCrypto, AT)!;
    expect(state.resumeAt).toBe(2);
    expect(state.finished).toBe(false);
    journal.record(RecordType.jobDone, 0);
    expect(Journal.open(flash, nodeCrypto, AT)!.state.finished).toBe(true);
  });

  test('an erased area, a torn header or a torn plan is no journal', () => {
    const flash = new MemoryFlash(4 * MiB);
    expect(Journal.open(flash, nodeCrypto, AT)).toBeNull();
    Journal.create(flash, nodeCrypto, AT, samplePlan());
    // A cut mid-plan: the tail of the plan never programmed.
    const tornPlan = new MemoryFlash(4 * MiB);
    tornPlan.load(AT, flash.snapshot(AT, HEADER_SIZE + 20));
    expect(Journal.open(tornPlan, nodeCrypto, AT)).toBeNull();
    const tornHeader = new MemoryFlash(4 * MiB);
    tornHeader.load(AT, flash.snapshot(AT, 10));
    expect(Journal.open(tornHeader, nodeCrypto, AT)).toBeNull();
  });

  test('a torn record is reported and skipped, and the next record goes in the slot after it', () => {
    const flash = new MemoryFlash(4 * MiB);
    const journal = Journal.create(flash, nodeCrypto, AT, samplePlan());
    journal.record(RecordType.stepDone, 0);
    // A cut while slot 1 was programmed: only its first 6 bytes reached the flash.
    const full = new MemoryFlash(4 * MiB);
    full.load(0, flash.snapshot(0, 4 * MiB));
    Journal.open(full, nodeCrypto, AT)!.journal.record(RecordType.stepDone, 1);
    const slot1 = AT + 4096 + RECORD_SIZE;
    flash.load(slot1, full.snapshot(slot1, 6));
    const reopened = Journal.open(flash, nodeCrypto, AT)!;
    expect(reopened.state.tornSlots).toEqual([1]);
    expect(reopened.state.resumeAt).toBe(1);
    reopened.journal.record(RecordType.stepDone, 1);
    const after = Journal.open(flash, nodeCrypto, AT)!.state;
    expect(after.records.map((r) => r.slot)).toEqual([0, 2]);
    expect(after.resumeAt).toBe(2);
  });

  test('records that skip a step, or sit in another slot than they say, are inconsistent', () => {
    const gap = new MemoryFlash(4 * MiB);
    const j = Journal.create(gap, nodeCrypto, AT, samplePlan());
    j.record(RecordType.stepDone, 1);
    expect(codeOf(() => Journal.open(gap, nodeCrypto, AT))).toBe('JOURNAL_INCONSISTENT');

    const moved = new MemoryFlash(4 * MiB);
    Journal.create(moved, nodeCrypto, AT, samplePlan()).record(RecordType.stepDone, 0);
    const rec = moved.snapshot(AT + 4096, RECORD_SIZE);
    moved.load(AT + 4096 + 3 * RECORD_SIZE, rec);
    expect(codeOf(() => Journal.open(moved, nodeCrypto, AT))).toBe('JOURNAL_INCONSISTENT');
  });

  test('a plan too big for its sector is refused before anything is written', () => {
    const flash = new MemoryFlash(4 * MiB);
    const plan = samplePlan();
    plan.images[0].name = 'x'.repeat(5000);
    expect(codeOf(() => Journal.create(flash, nodeCrypto, AT, plan))).toBe('JOURNAL_PLAN_TOO_BIG');
    expect(flash.ops).toHaveLength(0);
  });
});
