/**
 * The defects of esp-self-reflasher, the C component this project replaces,
 * each as a test that its behaviour would fail.
 */
import { runJob } from '../../src/core/engine';
import { bytesOf, part } from '../support/test-platform';
import { fixture, preload } from '../support/job-fixture';
import { asyncCodeOf } from '../support/plan-inputs';

const OTA1 = 0x120000;
const STORAGE = 0x220000;

test('overlap test missing containment: a destination inside the staging partition is refused', async () => {
  const f = fixture();
  f.url('boot', 0x1000, bytesOf(0x5000, 1));
  // Neither end of the staging partition lies inside this destination: only a containment-aware test sees it.
  f.url('inside', OTA1 + 0x10000, bytesOf(0x1000, 2));
  f.job.staging = 'ota_1';
  expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('STAGING_OVERLAP');
  expect(f.flash.ops).toEqual([]);
});

test('overlap test missing containment: a destination containing another is refused', async () => {
  const f = fixture();
  f.url('big', STORAGE, bytesOf(0x1000, 1), { regionSize: 0x100000 });
  f.url('small', STORAGE + 0x40000, bytesOf(0x1000, 2));
  expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('DEST_OVERLAP');
  expect(f.flash.ops).toEqual([]);
});

test('the running partition picked as staging: the app running from the first OTA slot is left alone', async () => {
  // Running from ota_1 while ota_0 comes first in the table: staging must go to ota_0...
  const first = fixture({ running: 'ota_1' });
  const running = preload(first, OTA1, 0x100000, 5);
  first.url('boot', 0x1000, bytesOf(0x5000, 1));
  expect((await runJob(first.job, first.platform)).staging).toBe('ota_0');
  expect(first.flash.snapshot(OTA1, 0x100000)).toEqual(running);

  // ...and with only the running slot left, nothing may be staged at all.
  const table = [part('ota_0', 0x00, 0x10, 0x20000, 0x100000), part('nvs', 0x01, 0x02, 0x9000, 0x6000)];
  const only = fixture({ partitions: table, running: 'ota_0' });
  only.url('boot', 0x1000, bytesOf(0x5000, 1));
  expect(await asyncCodeOf(() => runJob(only.job, only.platform))).toBe('STAGING_NONE');
  expect(only.flash.ops).toEqual([]);
});

test('an image larger than its destination is refused before any erase', async () => {
  const f = fixture();
  const next = preload(f, STORAGE + 0x1000, 0x1000, 3);
  f.url('data', STORAGE, bytesOf(0x1800, 1), { regionSize: 0x1000 });
  expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('DEST_TOO_SMALL');
  expect(f.flash.ops).toEqual([]);
  expect(f.flash.snapshot(STORAGE + 0x1000, 0x1000)).toEqual(next);
});

test('a source longer than its declared size never writes past its erased region', async () => {
  const f = fixture();
  const next = preload(f, STORAGE + 0x1000, 0x1000, 3);
  const long = bytesOf(0x1800, 1);
  // The job says 0x1000 bytes, the server sends 0x1800 and announces no length.
  f.url('data', STORAGE, long, { size: 0x1000, sha256: undefined }, { announce: false });
  expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('SIZE_MISMATCH');
  expect(f.flash.snapshot(STORAGE + 0x1000, 0x1000)).toEqual(next);
  expect(f.flash.ops.every((o) => o.address + o.length <= STORAGE + 0x1000)).toBe(true);
});

test('a zero-length image is refused and its destination is not erased', async () => {
  const f = fixture();
  const old = preload(f, STORAGE, 0x10000, 3);
  f.url('empty', STORAGE, new Uint8Array(0), { size: undefined });
  expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('IMAGE_EMPTY');
  expect(f.flash.stats.eraseCalls).toBe(0);
  expect(f.flash.snapshot(STORAGE, 0x10000)).toEqual(old);
});

test('an unaligned destination is refused, not silently corrupted', async () => {
  const f = fixture();
  const old = preload(f, STORAGE, 0x3000, 3);
  f.url('data', STORAGE + 0x800, bytesOf(0x1000, 1));
  expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('DEST_ALIGN');
  expect(f.flash.ops).toEqual([]);
  expect(f.flash.snapshot(STORAGE, 0x3000)).toEqual(old);
});
