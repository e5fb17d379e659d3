import { runJob } from '../../src/core/engine';
import { bytesOf, MiB } from '../support/test-platform';
import { fixture, opsIn, preload } from '../support/job-fixture';
import { asyncCodeOf } from '../support/plan-inputs';

const OTA1 = 0x120000;
const STORAGE = 0x220000;

describe('free destinations', () => {
  test('are written straight from the source and verified; nothing is staged', async () => {
    const f = fixture();
    const app = f.url('app', OTA1, bytesOf(300 * 1024 + 5, 1));
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(OTA1, app.length)).toEqual(app);
    expect(result.staging).toBeUndefined();
    expect(result.images[0]).toMatchObject({ name: 'app', staged: false, size: app.length, sectorsWritten: 76, sectorsSkipped: 0 });
    expect(result.images[0].sha256).toBe(f.job.images[0].sha256);
  });

  test('erased flash is written without an erase; old content is erased in 64 KiB blocks where aligned', async () => {
    const fresh = fixture();
    fresh.url('app', OTA1, bytesOf(0x40000, 1));
    await runJob(fresh.job, fresh.platform);
    expect(fresh.flash.stats.eraseCalls).toBe(0);

    const f = fixture();
    preload(f, OTA1, 0x40000);
    f.url('app', OTA1, bytesOf(0x40000, 1));
    await runJob(f.job, f.platform);
    expect(f.flash.stats).toMatchObject({ erase64k: 4, erase4k: 0 });
  });

  test('identical sectors are neither erased nor written', async () => {
    const f = fixture();
    const app = bytesOf(0x20000, 7);
    f.flash.load(OTA1, app);
    const changed = app.slice();
    changed[0x5000] ^= 1; // sector 5
    changed[0x1f000] ^= 1; // sector 31, the last
    f.url('app', OTA1, changed);
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(OTA1, changed.length)).toEqual(changed);
    expect(result.images[0]).toMatchObject({ sectorsWritten: 2, sectorsSkipped: 30 });
    expect(f.flash.stats).toMatchObject({ erase4k: 2, erase64k: 0, writes: 2 });
  });

  test('a second identical run erases and writes nothing', async () => {
    const f = fixture();
    f.url('app', STORAGE, bytesOf(0x30000, 3));
    f.url('boot', 0x1000, bytesOf(0x5000, 4));
    await runJob(f.job, f.platform);
    f.flash.resetStats();
    const again = await runJob(f.job, f.platform);
    expect(opsIn(f, 0, OTA1)).toEqual([]);
    expect(opsIn(f, STORAGE, MiB)).toEqual([]);
    expect(again.images.map((im) => im.sectorsSkipped)).toEqual([0x30, 5]);
  });
});

describe('in-use destinations', () => {
  test('are staged, verified, then committed; the staging area erased once, by 64 KiB block where it pays', async () => {
    const f = fixture();
    preload(f, 0x1000, 0x7000, 1);
    const oldApp = preload(f, OTA1, 0x20000, 2); // the staging slot holds an old app
    const boot = f.url('boot', 0x1000, bytesOf(0x5000 + 17, 5));
    const table = f.url('table', 0x8000, bytesOf(0xc00, 6), { regionSize: 0xc00 });
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(0x1000, boot.length)).toEqual(boot);
    expect(f.flash.snapshot(0x8000, table.length)).toEqual(table);
    expect(result.staging).toBe('ota_1');
    const stagingErases = f.flash.ops.filter((o) => o.op === 'erase' && o.address >= OTA1 && o.address < OTA1 + MiB);
    // 7 sectors used, all over old data: one block erase (150 ms) beats 7 sector erases (315 ms).
    expect(stagingErases).toEqual([{ op: 'erase', address: OTA1, length: 0x10000 }]);
    expect(f.flash.snapshot(OTA1 + 0x10000, 0x10000)).toEqual(oldApp.subarray(0x10000)); // nothing past that block
  });

  test('a staging area that is already erased is not erased again', async () => {
    const f = fixture();
    f.url('boot', 0x1000, bytesOf(0x5000, 5));
    await runJob(f.job, f.platform);
    expect(opsIn(f, OTA1, MiB).filter((o) => o.op === 'erase')).toEqual([]);
    expect(opsIn(f, OTA1, MiB)).toHaveLength(5);
  });

  test('every image is downloaded and verified before the first in-use destination is touched', async () => {
    const f = fixture();
    f.url('boot', 0x1000, bytesOf(0x5000, 5));
    f.url('app', OTA1 + MiB, bytesOf(0x3000, 6)); // storage: free
    f.url('table', 0x8000, bytesOf(0xc00, 7));
    const firstInUse = (): number => f.flash.ops.findIndex((o) => o.address < 0x12000);
    await runJob(f.job, f.platform);
    const lastDownload = f.report.events.map((e) => e.phase).lastIndexOf('download');
    const firstCommit = f.report.events.findIndex((e) => e.phase === 'commit');
    expect(lastDownload).toBeLessThan(firstCommit);
    const storageOps = f.flash.ops.map((o, i) => ({ ...o, i })).filter((o) => o.address >= 0x220000);
    expect(storageOps.every((o) => o.i < firstInUse())).toBe(true);
  });

  test('a job whose second image fails its hash leaves every in-use destination untouched', async () => {
    const f = fixture();
    preload(f, 0, 0x12000, 3);
    f.url('boot', 0x1000, bytesOf(0x5000, 5));
    f.url('table', 0x8000, bytesOf(0xc00, 6), { sha256: 'ab'.repeat(32) });
    const before = f.flash.snapshot(0, 0x12000);
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('HASH_MISMATCH');
    expect(f.flash.snapshot(0, 0x12000)).toEqual(before);
    expect(opsIn(f, 0, 0x12000)).toEqual([]);
  });

  test('a source failing mid-download leaves every in-use destination untouched', async () => {
    const f = fixture();
    preload(f, 0, 0x12000, 3);
    f.url('boot', 0x1000, bytesOf(0x5000, 5));
    f.url('nvs', 0x9000, bytesOf(0x6000, 6), {}, { failAt: 0x3000, chunk: 1000 });
    const before = f.flash.snapshot(0, 0x12000);
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('SOURCE_IO');
    expect(f.flash.snapshot(0, 0x12000)).toEqual(before);
  });

  test('the commit skips sectors that already hold the right bytes and erases each changed run in one call', async () => {
    const f = fixture();
    const old = preload(f, 0x9000, 0x6000, 3);
    const nvs = old.slice();
    nvs[0x1000] ^= 0xff; nvs[0x2000] ^= 1; // sectors 1 and 2: one run
    nvs[0x5fff] ^= 1; // sector 5
    f.url('nvs', 0x9000, nvs);
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(0x9000, 0x6000)).toEqual(nvs);
    expect(opsIn(f, 0x9000, 0x6000).filter((o) => o.op === 'erase')).toEqual([
      { op: 'erase', address: 0xa000, length: 0x2000 },
      { op: 'erase', address: 0xe000, length: 0x1000 },
    ]);
    expect(result.images[0]).toMatchObject({ staged: true, sectorsWritten: 3, sectorsSkipped: 3 });
  });

  test('a commit over erased flash writes without erasing; of a changed run, only the sectors holding data are erased', async () => {
    const f = fixture();
    const boot = f.url('boot', 0x1000, bytesOf(0x5000, 5));
    await runJob(f.job, f.platform);
    expect(f.flash.snapshot(0x1000, boot.length)).toEqual(boot);
    expect(opsIn(f, 0x1000, 0x5000).filter((o) => o.op === 'erase')).toEqual([]);

    const g = fixture();
    preload(g, 0x3000, 0x1000, 3); // one sector of the run holds data
    g.url('boot', 0x1000, bytesOf(0x5000, 5));
    await runJob(g.job, g.platform);
    expect(opsIn(g, 0x1000, 0x5000).filter((o) => o.op === 'erase')).toEqual([{ op: 'erase', address: 0x3000, length: 0x1000 }]);
    expect(g.flash.snapshot(0x1000, 0x5000)).toEqual(bytesOf(0x5000, 5));
  });

  test('a long changed run is erased with 64 KiB blocks (forceStaging onto an aligned slot)', async () => {
    const f = fixture();
    preload(f, STORAGE, 0x40000, 3);
    f.url('data', STORAGE, bytesOf(0x40000, 4));
    await runJob(f.job, f.platform, { forceStaging: true });
    const destErases = opsIn(f, STORAGE, 0x40000).filter((o) => o.op === 'erase');
    expect(destErases).toEqual([0, 1, 2, 3].map((k) => ({ op: 'erase', address: STORAGE + k * 0x10000, length: 0x10000 })));
    expect(f.flash.stats.erase4k).toBe(0);
    expect(f.report.logs.some((l) => l.message.includes('forceStaging'))).toBe(true);
  });
});

describe('embedded sources', () => {
  test('bound for an in-use destination: checked in place, committed without staging', async () => {
    const f = fixture();
    preload(f, 0x1000, 0x7000, 1);
    const boot = f.resource('boot.bin', 0x1000, bytesOf(0x5000, 2), 0x40000);
    const result = await runJob(f.job, f.platform);
    expect(f.flash.snapshot(0x1000, boot.length)).toEqual(boot);
    expect(result.staging).toBeUndefined();
    expect(opsIn(f, OTA1, MiB)).toEqual([]);
    expect(f.sources.reading('boot.bin')).toHaveLength(2); // check, commit
  });

  test('a wrong hash on an embedded image stops before any write', async () => {
    const f = fixture();
    f.resource('boot.bin', 0x1000, bytesOf(0x5000, 2), 0x40000, { sha256: '00'.repeat(32) });
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('HASH_MISMATCH');
    expect(f.flash.ops).toEqual([]);
  });

  test('size taken from the resource when the job omits it', async () => {
    const f = fixture();
    const data = f.resource('data.bin', STORAGE, bytesOf(5000, 2), 0x40000);
    const result = await runJob(f.job, f.platform);
    expect(result.images[0].size).toBe(5000);
    expect(f.flash.snapshot(STORAGE, 5000)).toEqual(data);
  });
});

describe('streaming', () => {
  test.each([1, 7, 1000, 4096])('sources handing out %p bytes per read give the same result', async (chunk) => {
    const f = fixture();
    const app = f.url('app', STORAGE, bytesOf(3 * 4096 + 100, 8), {}, { chunk });
    const boot = f.url('boot', 0x1000, bytesOf(4096 + 3, 9), {}, { chunk });
    await runJob(f.job, f.platform);
    expect(f.flash.snapshot(STORAGE, app.length)).toEqual(app);
    expect(f.flash.snapshot(0x1000, boot.length)).toEqual(boot);
  });

  test('every read of every source is handed the very same buffer: nothing is allocated per chunk', async () => {
    const f = fixture();
    f.url('app', STORAGE, bytesOf(0x40000, 8), {}, { chunk: 1500 });
    f.url('boot', 0x1000, bytesOf(0x5000, 9), {}, { chunk: 4096 });
    await runJob(f.job, f.platform);
    const targets = new Set(f.sources.opened.flatMap((o) => [...o.targets]));
    expect(f.sources.opened.filter((o) => o.reads > 0).length).toBe(2);
    expect(targets.size).toBe(1);
    expect([...targets][0].length).toBe(4096);
  });

  test('every opened source is closed, on success and on failure', async () => {
    const f = fixture();
    f.url('app', OTA1, bytesOf(0x3000, 8));
    f.url('bad', STORAGE, bytesOf(0x3000, 8), {}, { failAt: 100 });
    await asyncCodeOf(() => runJob(f.job, f.platform));
    expect(f.sources.opened.length).toBeGreaterThan(0);
    expect(f.sources.opened.every((o) => o.closed === 1)).toBe(true);
  });

  test('a source shorter than the size is SIZE_MISMATCH', async () => {
    const f = fixture();
    const bytes = bytesOf(0x3000, 8);
    f.url('app', OTA1, bytes, { size: 0x3000 + 10, sha256: undefined }, { announce: false });
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('SIZE_MISMATCH');
  });

  test('a size known only from the source is used; none at all is IMAGE_SIZE_UNKNOWN before any erase', async () => {
    const f = fixture();
    const bytes = f.url('app', OTA1, bytesOf(5000, 8), { size: undefined });
    await runJob(f.job, f.platform);
    expect(f.flash.snapshot(OTA1, 5000)).toEqual(bytes);

    const g = fixture();
    g.url('app', OTA1, bytesOf(5000, 8), { size: undefined }, { announce: false });
    expect(await asyncCodeOf(() => runJob(g.job, g.platform))).toBe('IMAGE_SIZE_UNKNOWN');
    expect(g.flash.ops).toEqual([]);
  });
});

describe('logs', () => {
  test('say why 64 KiB erases are not used for an unaligned destination', async () => {
    const f = fixture();
    f.url('data', STORAGE + 0x1000, bytesOf(0x20000, 1));
    await runJob(f.job, f.platform);
    expect(f.report.logs.some((l) => l.message.includes('not 64 KiB aligned'))).toBe(true);
    const g = fixture();
    g.url('data', STORAGE, bytesOf(0x20000, 1));
    await runJob(g.job, g.platform);
    expect(g.report.logs.some((l) => l.message.includes('not 64 KiB aligned'))).toBe(false);
  });

  test('say why an embedded image bound for an in-use destination is not staged', async () => {
    const f = fixture();
    f.resource('boot.bin', 0x1000, bytesOf(0x5000, 2), 0x40000);
    await runJob(f.job, f.platform);
    expect(f.report.logs.some((l) => l.message.includes('already in flash'))).toBe(true);
  });
});

describe('progress', () => {
  test('plan, download, verify, commit, done; bytes rise to the total per image and phase', async () => {
    const f = fixture();
    f.url('boot', 0x1000, bytesOf(0x5000, 5));
    f.url('app', STORAGE, bytesOf(0x23456, 6));
    await runJob(f.job, f.platform);
    const phases = [...new Set(f.report.phases())];
    expect(phases).toEqual(['plan', 'download', 'verify', 'commit', 'done']);
    const app = f.report.events.filter((e) => e.image === 'app' && e.phase === 'download');
    expect(app.map((e) => e.done)).toEqual([0x10000, 0x20000, 0x23456]);
    expect(app.every((e) => e.total === 0x23456)).toBe(true);
    expect(f.report.events[f.report.events.length - 1]).toEqual({ phase: 'done', done: 2, total: 2 });
  });
});
