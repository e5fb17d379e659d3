/**
 * Whole jobs through the runner: the bundled engine and device platform in
 * XS, over the native modules, on a simulated 4 MiB ESP32 flash, checked
 * byte for byte against the flash the job must leave. Needs the engine
 * (src/core/engine.ts) and the network and crypto ports (src/device/).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { LAYOUT_4M, ROOT, buildHost, makeFlash, partitionTable, runHost, script, tempDir } from './helpers';

const ready = ['src/core/engine.ts', 'src/device/crypto.ts', 'src/device/http-source.ts'].every((f) => existsSync(join(ROOT, f)));
const suite = ready ? describe : describe.skip;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const SECTOR = 4096;
const roundUp = (n: number) => Math.ceil(n / SECTOR) * SECTOR;

/** The flash a job must leave: `before` with each image at its destination, the rest of its last sector erased. */
function expected(before: Buffer, images: Array<{ address: number; bytes: Buffer }>): Buffer {
  const after = Buffer.from(before);
  for (const { address, bytes } of images) {
    after.fill(0xff, address, address + roundUp(bytes.length));
    bytes.copy(after, address);
  }
  return after;
}

/** First differing offset, for a readable failure. */
function firstDifference(a: Buffer, b: Buffer): string {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `0x${i.toString(16)}: 0x${a[i]!.toString(16)} != 0x${b[i]!.toString(16)}`;
  return 'none';
}

/** A flash with old content everywhere a job could write, so every erase shows. */
function oldFlash(dir: string): { path: string; before: Buffer } {
  const path = makeFlash(dir);
  const before = readFileSync(path);
  before.fill(0x5a, 0x1000, 0x8000); // an old bootloader
  before.fill(0xa5, 0x120000, 0x220000); // an old app in ota_1
  before.fill(0x3c, 0x9000, 0xf000); // nvs
  writeFileSync(path, before);
  return { path, before };
}

suite('jobs on a simulated 4 MiB ESP32', () => {
  beforeAll(buildHost, 180000);

  test('embedded mode: an app resource lands in ota_1, every other byte of the flash unchanged', () => {
    const dir = tempDir();
    const { path, before } = oldFlash(dir);
    const app = randomBytes(300000);
    writeFileSync(join(dir, 'app.bin'), app);
    const job = { images: [{ name: 'app', source: { resource: 'app' }, destination: 0x120000, regionSize: 0x100000, sha256: sha256(app) }] };
    const r = runHost(dir, { flash: path, job, resources: { app: join(dir, 'app.bin') } });
    expect(r.report?.error ?? null).toBeNull();
    expect(r.status).toBe(0);
    const after = readFileSync(path);
    expect(firstDifference(after, expected(before, [{ address: 0x120000, bytes: app }]))).toBe('none');
    expect(r.report.defects.count).toBe(0);
    expect(r.report.firmware.result.images[0]).toMatchObject({ name: 'app', size: 300000, sha256: sha256(app), staged: false });
  });

  function bootChainJob(dir: string, forceStaging: boolean) {
    const bootloader = randomBytes(0x5432);
    const table = Buffer.from(partitionTable(LAYOUT_4M.map((e) => (e.label === 'storage' ? { ...e, label: 'data' } : e))));
    writeFileSync(join(dir, 'bootloader.bin'), bootloader);
    writeFileSync(join(dir, 'table.bin'), table);
    const job = {
      forceStaging,
      images: [
        { name: 'bootloader', source: { resource: 'bootloader' }, destination: 0x1000, regionSize: 0x7000, sha256: sha256(bootloader) },
        { name: 'table', source: { resource: 'table' }, destination: 0x8000, regionSize: 0x1000, sha256: sha256(table) },
      ],
    };
    const resources = { bootloader: join(dir, 'bootloader.bin'), table: join(dir, 'table.bin') };
    return { job, resources, images: [{ address: 0x1000, bytes: bootloader }, { address: 0x8000, bytes: table }] };
  }

  test('embedded mode, in-use destinations: a new bootloader and partition table, written from their resources', () => {
    const dir = tempDir();
    const { path, before } = oldFlash(dir);
    const { job, resources, images } = bootChainJob(dir, false);
    const r = runHost(dir, { flash: path, job, resources });
    expect(r.report?.error ?? null).toBeNull();
    expect(r.status).toBe(0);
    expect(firstDifference(readFileSync(path), expected(before, images))).toBe('none');
    expect(r.report.defects.count).toBe(0);
  });

  test('embedded mode with forceStaging: staged through ota_1, then committed; outside ota_1 the flash is the target', () => {
    const dir = tempDir();
    const { path, before } = oldFlash(dir);
    const { job, resources, images } = bootChainJob(dir, true);
    const r = runHost(dir, { flash: path, job, resources });
    expect(r.report?.error ?? null).toBeNull();
    expect(r.status).toBe(0);
    expect(r.report.firmware.result.staging).toBe('ota_1');
    expect(r.report.firmware.result.images.map((i: { staged: boolean }) => i.staged)).toEqual([true, true]);
    const after = readFileSync(path);
    const want = expected(before, images);
    after.copy(want, 0x120000, 0x120000, 0x220000);
    expect(firstDifference(after, want)).toBe('none');
    expect(r.report.defects.count).toBe(0);
  });

  test('a job the engine refuses is exit 1 with its code, and no flash operation at all', () => {
    const dir = tempDir();
    const { path, before } = oldFlash(dir);
    writeFileSync(join(dir, 'app.bin'), randomBytes(1000));
    const job = { images: [{ name: 'app', source: { resource: 'app' }, destination: 0x30000 }] }; // inside ota_0, the running app
    const r = runHost(dir, { flash: path, job, resources: { app: join(dir, 'app.bin') } });
    expect(r.status).toBe(1);
    expect(r.report.error.code).toBe('DEST_RUNNING_APP');
    expect(r.report.ops.ops).toBe(0);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  // Each planning refusal about a single range, and the C layer's own refusal of
  // the same range with the engine bypassed: both leave the flash untouched.
  test.each([
    ['unaligned destination', 'DEST_ALIGN', 'FLASH_ALIGN', 0x300800, 0x1000],
    ['destination past the end', 'DEST_BOUNDS', 'FLASH_BOUNDS', 0x3ff000, 0x2000],
    ['destination inside the running app', 'DEST_RUNNING_APP', 'FLASH_PROTECTED', 0x30000, 0x1000],
    ['destination straddling the end of the running app', 'DEST_RUNNING_APP', 'FLASH_PROTECTED', 0x11f000, 0x2000],
  ] as const)('%s: the engine refuses with %s, the C layer alone with %s', (_, engineCode, cCode, address, size) => {
    const dir = tempDir();
    const { path, before } = oldFlash(dir);
    writeFileSync(join(dir, 'image.bin'), randomBytes(size));
    const job = { images: [{ name: 'image', source: { resource: 'image' }, destination: address }] };
    const engine = runHost(dir, { flash: path, job, resources: { image: join(dir, 'image.bin') } });
    expect(engine.status).toBe(1);
    expect(engine.report.error.code).toBe(engineCode);
    const c = runHost(dir, {
      flash: path,
      firmware: script(dir, `const flash = new RawFlash();
        finish([codeOf(() => native("xs_rawflash_erase").call(flash, ${address}, ${size})),
                codeOf(() => native("xs_rawflash_write").call(flash, ${address}, new Uint8Array(${size}))).replace("FLASH_ALIGN", "none")]);`),
    });
    // A write needs no alignment: only the erase reports FLASH_ALIGN.
    expect(c.report.firmware).toEqual([cCode, cCode === 'FLASH_ALIGN' ? 'none' : cCode]);
    expect(engine.report.ops.ops + (cCode === 'FLASH_ALIGN' ? 0 : c.report.ops.ops)).toBe(0);
    if (cCode !== 'FLASH_ALIGN') expect(readFileSync(path).equals(before)).toBe(true);
  });

  test('a power cut during a job leaves exactly the torn unit the simulator promises', () => {
    const dir = tempDir();
    const app = randomBytes(100000);
    writeFileSync(join(dir, 'app.bin'), app);
    const job = { images: [{ name: 'app', source: { resource: 'app' }, destination: 0x120000, regionSize: 0x100000, sha256: sha256(app) }] };
    const resources = { app: join(dir, 'app.bin') };
    const reference = oldFlash(dir);
    const traceAll = join(dir, 'all.jsonl');
    expect(runHost(dir, { flash: reference.path, job, resources, trace: traceAll }).status).toBe(0);
    const lines = readFileSync(traceAll, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const total = lines.filter((l) => l.n !== undefined).at(-1).n as number;

    /** The flash and the torn unit after a cut after `n` ops. */
    function cutAfter(n: number) {
      const cutDir = tempDir();
      const { path, before } = oldFlash(cutDir);
      const trace = join(cutDir, 'cut.jsonl');
      const r = runHost(cutDir, { flash: path, job, resources, trace, powerCut: n });
      expect(r.status).toBe(3);
      expect(r.report.ops.ops).toBe(n);
      const torn = JSON.parse(readFileSync(trace, 'utf8').trim().split('\n').at(-1)!);
      expect(torn).toMatchObject({ op: 'power-cut', n: n + 1 });
      return { flash: readFileSync(path), before, torn };
    }

    for (const n of [0, 1, Math.floor(total / 2), total - 2]) {
      const { flash, before, torn } = cutAfter(n);
      const next = cutAfter(n + 1); // op n + 1 completed, op n + 2 torn
      const [a, half, end] = [torn.address, torn.address + torn.size / 2, torn.address + torn.size];
      if (torn.during === 'erase') {
        expect(flash.subarray(a, half).every((b) => b === 0xff)).toBe(true);
        expect(flash.subarray(half, end).equals(before.subarray(half, end))).toBe(true); // the old content
      } else {
        // The first half holds what the completed write put there; the rest is still erased.
        expect(flash.subarray(a, half).equals(next.flash.subarray(a, half))).toBe(true);
        expect(flash.subarray(half, end).every((b) => b === 0xff)).toBe(true);
      }
      // Anywhere else the two runs agree, apart from the unit torn in the second.
      const masked = (f: Buffer) => {
        const m = Buffer.from(f);
        m.fill(0, a, end);
        m.fill(0, next.torn.address, next.torn.address + next.torn.size);
        return m;
      };
      expect(firstDifference(masked(flash), masked(next.flash))).toBe('none');
    }
  });

  describe('local source: an image served over HTTP on 127.0.0.1', () => {
    let server: Server;
    let base: string;
    const image = randomBytes(200000);
    beforeAll(async () => {
      server = createServer((req, res) => {
        const body = req.url === '/app.bin' ? image : req.url === '/nvs.bin' ? image.subarray(0, 0x6000) : undefined;
        if (!body) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    // spawnSync would block the server in this process: run the runner asynchronously.
    async function runAsync(dir: string, flash: string, job: unknown) {
      const { spawn } = await import('node:child_process');
      const jobPath = join(dir, 'job.json');
      const reportPath = join(dir, 'report.json');
      writeFileSync(jobPath, JSON.stringify(job));
      const args = ['--flash', flash, '--chip', 'esp32', '--running', 'ota_0', '--job', jobPath, '--report', reportPath];
      const status = await new Promise<number | null>((resolve) => {
        const child = spawn(join(ROOT, 'build/host/reflasher-host'), args, { cwd: ROOT, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });
      return { status, report: JSON.parse(readFileSync(reportPath, 'utf8')) };
    }

    test('the image is downloaded straight into a free destination, byte for byte', async () => {
      const dir = tempDir();
      const { path, before } = oldFlash(dir);
      const job = { images: [{ name: 'app', source: { url: `${base}/app.bin` }, destination: 0x120000, regionSize: 0x100000, sha256: sha256(image) }] };
      const r = await runAsync(dir, path, job);
      expect(r.report.error).toBeNull();
      expect(r.status).toBe(0);
      expect(firstDifference(readFileSync(path), expected(before, [{ address: 0x120000, bytes: image }]))).toBe('none');
    });

    test('an image for an in-use destination (nvs) is staged in ota_1, verified, then committed', async () => {
      const dir = tempDir();
      const { path, before } = oldFlash(dir);
      const nvs = image.subarray(0, 0x6000);
      const job = { images: [{ name: 'nvs', source: { url: `${base}/nvs.bin` }, destination: 0x9000, regionSize: 0x6000, sha256: sha256(nvs) }] };
      const r = await runAsync(dir, path, job);
      expect(r.report.error).toBeNull();
      expect(r.report.firmware.result).toMatchObject({ staging: 'ota_1', images: [{ name: 'nvs', staged: true }] });
      const after = readFileSync(path);
      const want = expected(before, [{ address: 0x9000, bytes: Buffer.from(nvs) }]);
      after.copy(want, 0x120000, 0x120000, 0x220000);
      expect(firstDifference(after, want)).toBe('none');
    });

    test('a missing image is SOURCE_NOT_FOUND before anything is erased', async () => {
      const dir = tempDir();
      const { path, before } = oldFlash(dir);
      const job = { images: [{ name: 'app', source: { url: `${base}/nope.bin` }, destination: 0x120000, size: 1000 }] };
      const r = await runAsync(dir, path, job);
      expect(r.status).toBe(1);
      expect(r.report.error.code).toBe('SOURCE_NOT_FOUND');
      expect(readFileSync(path).equals(before)).toBe(true);
    });
  });
});

if (!ready) test.skip('jobs: waiting for the engine and the network/crypto ports to land on main', () => undefined);

