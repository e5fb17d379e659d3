/**
 * Images whose job says what they are (as every bundle image does) are
 * checked as that kind on the same pass as their hash, before any commit:
 * a malformed bootloader, table or app stops the job with its IMAGE_* or
 * PTABLE_* code and leaves every in-use destination as it was.
 */
import { runJob } from '../../src/core/engine';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { buildPartitionTable } from '../../src/core/formats/partition-table';
import { nodeCrypto, standardTable, bytesOf } from '../support/test-platform';
import { fixture, preload } from '../support/job-fixture';
import { asyncCodeOf } from '../support/plan-inputs';

function job(boot: Uint8Array, table: Uint8Array, app: Uint8Array) {
  const f = fixture();
  const old = preload(f, 0, 0x12000, 3);
  f.url('boot', 0x1000, boot, { kind: 'bootloader', regionSize: 0x7000 });
  f.url('table', 0x8000, table, { kind: 'partition-table', regionSize: 0xc00 });
  f.url('app', 0x220000, app, { kind: 'app' }); // a free data region: only the bytes are checked here
  return { f, old };
}

const goodBoot = () => buildEspImage({ crypto: nodeCrypto, chip: 'esp32', kind: 'bootloader', size: 0x5000 });
const goodTable = () => buildPartitionTable(standardTable(), { crypto: nodeCrypto });
const goodApp = () => buildEspImage({ crypto: nodeCrypto, chip: 'esp32', kind: 'app', size: 0x20000 });

describe('images checked as their kind before any commit', () => {
  test('valid images of each kind go through', async () => {
    const { f } = job(goodBoot(), goodTable(), goodApp());
    await runJob(f.job, f.platform);
    expect(f.flash.snapshot(0x1000, 4)[0]).toBe(0xe9);
  });

  test.each([
    ['a bootloader with a broken checksum', () => { const b = goodBoot(); b[0x100] ^= 1; return [b, goodTable(), goodApp()]; }, ['IMAGE_CHECKSUM', 'IMAGE_HASH']],
    ['a bootloader built for another chip', () => [buildEspImage({ crypto: nodeCrypto, chip: 'esp32c3', kind: 'bootloader', size: 0x5000 }), goodTable(), goodApp()], ['IMAGE_CHIP_MISMATCH']],
    ['a table whose MD5 does not match', () => { const t = goodTable(); t[12] ^= 1; return [goodBoot(), t, goodApp()]; }, ['PTABLE_MD5']],
    ['random bytes declared an app', () => [goodBoot(), goodTable(), bytesOf(0x20000, 9)], ['IMAGE_BAD_MAGIC']],
  ])('%s stops the job, every in-use byte untouched', async (_name, make, codes) => {
    const [boot, table, app] = make() as Uint8Array[];
    const { f, old } = job(boot, table, app);
    const code = await asyncCodeOf(() => runJob(f.job, f.platform));
    expect(codes).toContain(code);
    expect(f.flash.snapshot(0, 0x12000)).toEqual(old);
  });
});
