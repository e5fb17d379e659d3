/**
 * Power cut, reboot, resume, through the real firmware in XS and the C
 * modules: cut the run after flash operation N (the simulator leaves that
 * operation torn), run the firmware again on the same flash, and the job must
 * end exactly as an uncut run does. Every N of the job is tried.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT_4M, buildHost, makeFlash, partitionTable, runHost, tempDir } from './helpers';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(buildHost, 180000);

/** A new bootloader, table and nvs image, all in use, staged through ota_1 from resources. */
function setup() {
  const dir = tempDir();
  const flash = makeFlash(dir);
  const before = readFileSync(flash);
  before.fill(0x5a, 0x1000, 0x8000);
  before.fill(0x3c, 0x9000, 0xf000);
  writeFileSync(flash, before);
  const images = {
    bootloader: { address: 0x1000, bytes: randomBytes(0x1432), region: 0x7000 },
    table: { address: 0x8000, bytes: Buffer.from(partitionTable(LAYOUT_4M.map((e) => (e.label === 'storage' ? { ...e, label: 'data' } : e)))), region: 0x1000 },
    nvs: { address: 0x9000, bytes: randomBytes(0x1000), region: 0x6000 },
  };
  const resources: Record<string, string> = {};
  for (const [name, im] of Object.entries(images)) {
    resources[name] = join(dir, `${name}.bin`);
    writeFileSync(resources[name], im.bytes);
  }
  const job = {
    forceStaging: true,
    images: Object.entries(images).map(([name, im]) => ({ name, source: { resource: name }, destination: im.address, regionSize: im.region, sha256: sha256(im.bytes) })),
  };
  return { dir, flash, job, resources, images };
}

function expectImages(flash: string, images: ReturnType<typeof setup>['images']): void {
  const after = readFileSync(flash);
  for (const [name, im] of Object.entries(images)) {
    expect([name, after.subarray(im.address, im.address + im.bytes.length).equals(im.bytes)]).toEqual([name, true]);
  }
}

test('a cut after any flash operation, then a second boot, completes the job, except while the table itself is rewritten', () => {
  const reference = setup();
  const whole = runHost(reference.dir, { flash: reference.flash, job: reference.job, resources: reference.resources });
  expect(whole.status).toBe(0);
  expectImages(reference.flash, reference.images);

  let resumed = 0;
  let cuts = 0;
  const tableTorn: number[] = [];
  for (let n = 1; ; n++) {
    const s = setup();
    const first = runHost(s.dir, { flash: s.flash, job: s.job, resources: s.resources, powerCut: n });
    if (first.status === 0) break; // n is past the job's last operation
    expect([n, first.status]).toEqual([n, 3]);
    cuts++;
    const second = runHost(s.dir, { flash: s.flash, job: s.job, resources: s.resources });
    if (second.status === 2 && /partition table/i.test(second.stderr)) {
      // The cut tore the table's own commit: no firmware can boot to resume (the brick window).
      tableTorn.push(n);
      continue;
    }
    expect([n, second.status, second.report?.error ?? null]).toEqual([n, 0, null]);
    if (second.report.firmware.resumedAt !== null) resumed++;
    expectImages(s.flash, s.images);
    expect(second.report.defects.count).toBe(0);
  }
  // Every operation of the uncut run was cut after once: n = 1 .. ops - 1 (a cut after the last completes).
  expect(cuts).toBe(whole.report.ops.ops - 1);
  expect(tableTorn.length).toBeGreaterThan(0); // the sweep did reach the table's commit
  // Only cuts inside the table's own commit (its sector erase and the page holding its entries) cannot resume.
  expect(tableTorn.length).toBeLessThanOrEqual(2);
  expect(tableTorn).toEqual(tableTorn.map((_, i) => tableTorn[0] + i));
  // Once the journal holds the plan, every later cut resumes instead of starting over.
  expect(resumed).toBeGreaterThan(cuts / 2);
}, 180000);
