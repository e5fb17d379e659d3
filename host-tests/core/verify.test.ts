import { runJob } from '../../src/core/engine';
import { MemoryFlash } from '../support/memory-flash';
import { bytesOf } from '../support/test-platform';
import { fixture, preload } from '../support/job-fixture';
import { asyncCodeOf } from '../support/plan-inputs';

const STORAGE = 0x220000;

/** Make the fixture's flash drop or damage writes in a range. */
function faulty(flash: MemoryFlash, from: number, mode: 'drop' | 'flip'): void {
  const write = flash.write.bind(flash);
  flash.write = (address: number, data: Uint8Array) => {
    if (address < from) { write(address, data); return; }
    if (mode === 'drop') return;
    const bad = data.slice();
    bad[0] &= 0xfe; // the tests give byte 0 of each image bit 0 set
    write(address, bad);
  };
}

describe('read-back', () => {
  test('a write that never lands is READBACK_ERASED', async () => {
    const f = fixture();
    f.url('data', STORAGE, bytesOf(0x2000, 1));
    faulty(f.flash, STORAGE, 'drop');
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('READBACK_ERASED');
  });

  test('a write that lands damaged is READBACK_MISMATCH', async () => {
    const f = fixture();
    const bytes = bytesOf(0x2000, 1);
    bytes[0] = 0x01;
    f.url('data', STORAGE, bytes);
    faulty(f.flash, STORAGE, 'flip');
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('READBACK_MISMATCH');
  });

  test('a damaged staging copy is caught before the in-use destination is touched', async () => {
    const f = fixture();
    f.url('boot', 0x1000, bytesOf(0x5000, 1).map((b, i) => (i === 0 ? 1 : b)));
    faulty(f.flash, 0x120000, 'flip'); // staging is ota_1
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('READBACK_MISMATCH');
    expect(f.flash.ops.filter((o) => o.address < 0x12000)).toEqual([]);
  });

  test('a flash error during commit is reported with its code, not swallowed', async () => {
    const f = fixture();
    preload(f, 0x120000, 0x10000); // old data in staging and destination: both need erasing
    preload(f, 0x1000, 0x5000);
    f.url('boot', 0x1000, bytesOf(0x5000, 1));
    f.flash.failAtOp = 6; // staging: 1 erase + 5 writes; then the commit's first erase fails
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('FLASH_IO');
    expect(f.flash.ops).toHaveLength(6);
    expect(f.flash.ops.every((o) => o.address >= 0x120000)).toBe(true);
  });
});

describe('hashes', () => {
  test('a wrong SHA-256 on a free destination is HASH_MISMATCH', async () => {
    const f = fixture();
    f.url('data', STORAGE, bytesOf(0x2000, 1), { sha256: 'cd'.repeat(32) });
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('HASH_MISMATCH');
  });

  test('without a SHA-256 in the job, the read-back is checked against the hash of what arrived', async () => {
    const f = fixture();
    f.url('data', STORAGE, bytesOf(0x2000, 1), { sha256: undefined });
    faulty(f.flash, STORAGE, 'drop');
    expect(await asyncCodeOf(() => runJob(f.job, f.platform))).toBe('READBACK_ERASED');
  });
});
