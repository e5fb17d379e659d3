/**
 * The engine does only the flash work a job needs (issue 8): each test pins
 * one saving found in the benchmark's operation traces.
 */
import { runJob } from '../../src/core/engine';
import { runJournaled } from '../../src/core/journaled-run';
import { writeDataPages } from '../../src/core/program';
import { eraseStagingArea } from '../../src/core/staging-erase';
import { Journal } from '../../src/core/journal/journal';
import { MemoryFlash } from '../support/memory-flash';
import { bytesOf } from '../support/test-platform';
import { fixture, opsIn, preload } from '../support/job-fixture';
import { asyncCodeOf } from '../support/plan-inputs';

const MiB = 1024 * 1024;
const STORAGE = 0x220000;
const STAGING = 0x120000; // ota_1 of the standard table

describe('writeDataPages: pages that stay 0xFF are not programmed', () => {
  test('a partition table padded to its sector programs its 2 pages of entries, in one write', () => {
    const flash = new MemoryFlash(MiB);
    const sector = new Uint8Array(0x1000).fill(0xff);
    sector.set(bytesOf(0x1e0, 1));
    expect(writeDataPages(flash, 0x8000, sector, new Uint32Array(sector.buffer))).toBe(2);
    expect(flash.ops).toEqual([{ op: 'write', address: 0x8000, length: 0x200 }]);
    expect(flash.snapshot(0x8000, 0x1000)).toEqual(sector);
  });

  test('runs of data pages are written apart; an all-0xFF sector is not written at all', () => {
    const flash = new MemoryFlash(MiB);
    const sector = new Uint8Array(0x1000).fill(0xff);
    sector.set(bytesOf(0x100, 2), 0x100); // page 1
    sector.set(bytesOf(0x300, 3), 0xd00); // pages 13-15
    sector[0x5ff] = 0x00; // page 5, its last byte only
    const words = new Uint32Array(sector.buffer);
    expect(writeDataPages(flash, 0x10000, sector, words)).toBe(5);
    expect(flash.ops).toEqual([
      { op: 'write', address: 0x10100, length: 0x100 },
      { op: 'write', address: 0x10500, length: 0x100 },
      { op: 'write', address: 0x10d00, length: 0x300 },
    ]);
    expect(flash.snapshot(0x10000, 0x1000)).toEqual(sector);
    sector.fill(0xff);
    expect(writeDataPages(flash, 0x11000, sector, words)).toBe(0);
    expect(flash.ops).toHaveLength(3);
  });

  test('a sector of data is one write of the caller\'s own buffer', () => {
    const flash = new MemoryFlash(MiB);
    const sector = bytesOf(0x1000, 4);
    const seen: Uint8Array[] = [];
    const write = flash.write.bind(flash);
    flash.write = (a, d) => { seen.push(d); write(a, d); };
    expect(writeDataPages(flash, 0, sector, new Uint32Array(sector.buffer))).toBe(16);
    expect(seen).toEqual([sector]);
    expect(seen[0]).toBe(sector);
  });
});

describe('eraseStagingArea: one erase of the staged images and the journal after them', () => {
  const staging = (used: number, journal: boolean) =>
    ({ label: 'ota_1', address: STAGING, size: MiB, used, journal: journal ? STAGING + used : null });

  test('a 28 KiB bootloader and the journal over an old app: one 64 KiB block, not 9 sectors', () => {
    const flash = new MemoryFlash(4 * MiB);
    flash.load(STAGING, bytesOf(0xf0000, 5));
    expect(eraseStagingArea(flash, staging(0x7000, true))).toBe(0x10000);
    expect(flash.stats).toMatchObject({ erase64k: 1, erase4k: 0 });
    expect(flash.snapshot(STAGING + 0x10000, 0x1000)).toEqual(bytesOf(0xf0000, 5).subarray(0x10000, 0x11000));
  });

  test('fewer than 4 sectors with data are erased by sectors; erased ones are left alone', () => {
    const flash = new MemoryFlash(4 * MiB);
    flash.load(STAGING, bytesOf(0x2000, 6)); // 2 sectors of data, then erased
    expect(eraseStagingArea(flash, staging(0x1000, true))).toBe(0x2000);
    expect(flash.ops).toEqual([{ op: 'erase', address: STAGING, length: 0x2000 }]);
    expect(flash.stats.erase4k).toBe(2);
  });

  test('an area already erased is not erased again', () => {
    const flash = new MemoryFlash(4 * MiB);
    expect(eraseStagingArea(flash, staging(0x7000, true))).toBe(0);
    expect(flash.ops).toEqual([]);
  });

  test('a block that leaves the staging partition is never erased whole', () => {
    const flash = new MemoryFlash(4 * MiB);
    // A 4 KiB-aligned data partition as staging, ending 0x6000 into a block.
    const area = { label: 'scratch', address: 0x3fa000, size: 0x6000, used: 0x6000, journal: null };
    flash.load(0x3f0000, bytesOf(0x10000, 7));
    expect(eraseStagingArea(flash, area)).toBe(0x6000);
    expect(flash.stats).toMatchObject({ erase64k: 0, erase4k: 6 });
    expect(flash.snapshot(0x3f0000, 0xa000)).toEqual(bytesOf(0x10000, 7).subarray(0, 0xa000));
  });
});

describe('a staged job over old data', () => {
  function stagedJob() {
    const f = fixture();
    preload(f, STAGING, 0xf0000, 8); // ota_1, the staging slot, holds an old app
    preload(f, 0x1000, 0x6000, 9); // the old bootloader
    const boot = f.url('boot', 0x1000, bytesOf(0x6d60, 10), { regionSize: 0x7000 }); // raw bytes: no kind, so no format check
    return { f, boot };
  }

  test('the journal lies right after the staged image, in the block erased once', async () => {
    const { f, boot } = stagedJob();
    await runJournaled(f.platform, async () => f.job);
    expect(f.flash.snapshot(0x1000, boot.length)).toEqual(boot);
    const journal = Journal.open(f.flash, f.platform.crypto, STAGING + 0x7000);
    expect(journal?.state.finished).toBe(true);
    // Staging and journal: one 64 KiB erase; the destination: the 6 sectors of the old bootloader (the 7th reads erased).
    expect(opsIn(f, STAGING, MiB).filter((o) => o.op === 'erase')).toEqual([{ op: 'erase', address: STAGING, length: 0x10000 }]);
    expect(f.flash.stats).toMatchObject({ erase64k: 1, erase4k: 6 });
  });

  test('the last sector of a staged image programs only its pages that hold data', async () => {
    const { f } = stagedJob();
    await runJob(f.job, f.platform);
    // 0x6d60 bytes: 6 whole sectors, then 0xd60 bytes = 14 pages; staging and destination alike.
    const lastWrites = f.flash.ops.filter((o) => o.op === 'write' && (o.address === STAGING + 0x6000 || o.address === 0x7000));
    expect(lastWrites.map((o) => o.length)).toEqual([0xe00, 0xe00]);
  });

  test('a fresh run does not read the staging area it just erased to see whether it is erased', async () => {
    const { f } = stagedJob();
    const events: string[] = [];
    const read = f.flash.read.bind(f.flash);
    const write = f.flash.write.bind(f.flash);
    f.flash.read = (a, t) => { if (a >= STAGING && a < STAGING + 0x7000) events.push('read'); read(a, t); };
    f.flash.write = (a, d) => { if (a >= STAGING && a < STAGING + 0x7000) events.push('write'); write(a, d); };
    await runJob(f.job, f.platform);
    // eraseStagingArea reads each of the 7 sectors once, then the stage step writes them straight away.
    expect(events.slice(0, 8)).toEqual([...Array(7).fill('read'), 'write']);
  });
});

describe('direct writes', () => {
  test('a new image over another image: the first block is erased whole, and not read before each write', async () => {
    const f = fixture();
    preload(f, STORAGE, 0x20000, 11);
    f.url('data', STORAGE, bytesOf(0x20000, 12));
    const reads: number[] = [];
    const read = f.flash.read.bind(f.flash);
    f.flash.read = (a, t) => { reads.push(a); read(a, t); };
    await runJob(f.job, f.platform);
    expect(f.flash.snapshot(STORAGE, 0x20000)).toEqual(bytesOf(0x20000, 12));
    expect(f.flash.stats).toMatchObject({ erase64k: 2, erase4k: 0 });
    // One read to compare at each block's start, one read-back per sector.
    expect(reads.filter((a) => a >= STORAGE && a < STORAGE + 0x20000)).toHaveLength(2 + 32);
  });

  test('a new build of the same image (a few header bytes differ): its first sector is erased alone', async () => {
    const f = fixture();
    const v1 = preload(f, STORAGE, 0x20000, 13);
    const v2 = v1.slice();
    v2.set([1, 0, 1], 0x30); // the version string
    f.url('app', STORAGE, v2);
    await runJob(f.job, f.platform);
    expect(f.flash.snapshot(STORAGE, 0x20000)).toEqual(v2);
    expect(f.flash.stats).toMatchObject({ erase64k: 0, erase4k: 1 });
    expect(opsIn(f, STORAGE + 0x1000, 0x1f000)).toEqual([]);
  });

  test('a new build whose code moved (header bytes, then sectors 1 and 2 on change): the held sectors wait, the first block is erased whole', async () => {
    const f = fixture();
    const v1 = preload(f, STORAGE, 0x20000, 21);
    const v2 = v1.slice();
    v2.set([1, 0, 2], 0x30); // the version string
    v2.set(bytesOf(0x1f000, 22), 0x1000); // everything after the first sector moved
    f.url('app', STORAGE, v2);
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(STORAGE, 0x20000)).toEqual(v2);
    expect(f.flash.stats).toMatchObject({ erase64k: 2, erase4k: 0 });
    expect(result.images[0]).toMatchObject({ sectorsWritten: 32, sectorsSkipped: 0 });
  });

  test('scattered edits (header, sector 1, not sector 2): the two held sectors are erased alone', async () => {
    const f = fixture();
    const v1 = preload(f, STORAGE, 0x20000, 23);
    const v2 = v1.slice();
    v2.set([1, 0, 3], 0x30);
    v2.set(bytesOf(0x1000, 24), 0x1000); // sector 1 rewritten
    v2[0x9000 + 7] ^= 0xff; // and one byte of sector 9
    f.url('app', STORAGE, v2);
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(STORAGE, 0x20000)).toEqual(v2);
    expect(opsIn(f, STORAGE, 0x20000).filter((o) => o.op === 'erase')).toEqual([
      { op: 'erase', address: STORAGE, length: 0x2000 },
      { op: 'erase', address: STORAGE + 0x9000, length: 0x1000 },
    ]);
    expect(result.images[0]).toMatchObject({ sectorsWritten: 3, sectorsSkipped: 29 });
  });

  test('a held sector that does not read back as written is READBACK_MISMATCH', async () => {
    const f = fixture();
    const v1 = preload(f, STORAGE, 0x20000, 25);
    const v2 = v1.slice();
    v2.set([1, 0, 4], 0x30);
    v2[0] |= 1;
    f.url('app', STORAGE, v2);
    const write = f.flash.write.bind(f.flash);
    f.flash.write = (a, d) => { const bad = d.slice(); if (a === STORAGE) bad[0] &= 0xfe; write(a, bad); };
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('READBACK_MISMATCH');
  });

  test('an update reads each unchanged sector once and each written sector twice (compare, read-back)', async () => {
    const f = fixture();
    const v1 = preload(f, STORAGE, 0x40000, 14);
    const v2 = v1.slice();
    for (const s of [3, 17, 40]) v2[s * 0x1000 + 5] ^= 0xff;
    f.url('app', STORAGE, v2);
    const reads: number[] = [];
    const read = f.flash.read.bind(f.flash);
    f.flash.read = (a, t) => { reads.push(a); read(a, t); };
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(STORAGE, 0x40000)).toEqual(v2);
    expect(result.images[0]).toMatchObject({ sectorsWritten: 3, sectorsSkipped: 61 });
    expect(reads.filter((a) => a >= STORAGE && a < STORAGE + 0x40000)).toHaveLength(64 + 3);
  });
});

describe('commit from staging, a 64 KiB block at a time', () => {
  test('a block whose sectors change or read erased, 4 or more holding data: one block erase', async () => {
    const f = fixture();
    preload(f, STORAGE, 0x5000, 15); // 5 sectors of old data, the rest of the block erased
    const image = f.url('data', STORAGE, bytesOf(0x10000, 16));
    await runJob(f.job, f.platform, { forceStaging: true });
    expect(f.flash.snapshot(STORAGE, 0x10000)).toEqual(image);
    expect(opsIn(f, STORAGE, 0x10000).filter((o) => o.op === 'erase')).toEqual([{ op: 'erase', address: STORAGE, length: 0x10000 }]);
  });

  test('a block with an unchanged sector that holds data: its changed sectors erased alone, in runs', async () => {
    const f = fixture();
    const old = preload(f, STORAGE, 0x10000, 17);
    const image = bytesOf(0x10000, 18);
    image.set(old.subarray(0x4000, 0x5000), 0x4000); // sector 4 already right
    f.url('data', STORAGE, image);
    const result = await runJob(f.job, f.platform, { forceStaging: true });
    expect(f.flash.snapshot(STORAGE, 0x10000)).toEqual(image);
    expect(opsIn(f, STORAGE, 0x10000).filter((o) => o.op === 'erase')).toEqual([
      { op: 'erase', address: STORAGE, length: 0x4000 },
      { op: 'erase', address: STORAGE + 0x5000, length: 0xb000 },
    ]);
    expect(result.images[0]).toMatchObject({ sectorsWritten: 15, sectorsSkipped: 1 });
  });

  test('3 sectors holding data in an otherwise erased block: 3 sector erases (135 ms) rather than a block (150 ms)', async () => {
    const f = fixture();
    preload(f, STORAGE, 0x3000, 19);
    f.url('data', STORAGE, bytesOf(0x10000, 20));
    await runJob(f.job, f.platform, { forceStaging: true });
    expect(opsIn(f, STORAGE, 0x10000).filter((o) => o.op === 'erase')).toEqual([{ op: 'erase', address: STORAGE, length: 0x3000 }]);
  });
});
