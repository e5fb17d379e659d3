import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { reflasher, reflasherBackground } from './run-cli';
import { makeTestPki } from '../net/certs';
import { spawn } from 'node:child_process';
import { nodeCrypto } from '../formats/node-crypto';
import { TWO_OTA, makeFlash } from '../formats/fixtures';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { demoImages } from '../../tools/cli/lib/demo-fixture';

const dir = mkdtempSync(join(tmpdir(), 'cli-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// The demo's device: the transitional firmware in factory; a bundle with a
// new bootloader, a new table (factory moved to 0x120000) and a new app.
const demo = demoImages();
const dumpPath = file('dump.bin', demo.flash);
const dumpSha = sha(demo.flash);
const keys = join(dir, 'fleet');

beforeAll(() => {
  expect(reflasher(['keygen', '--out', keys]).status).toBe(0);
  const r = reflasher(['bundle', '--chip', 'esp32', '--image', `${file('bl.bin', demo.bootloader)}@0x1000`, '--image', `${file('pt.bin', demo.table)}@0x8000`,
    '--image', `${file('app.bin', demo.app)}@0x120000:app`, '--key', `${keys}.pem`, '--out', join(dir, 'bundle')]);
  expect(r.status).toBe(0);
}, 60_000);

describe('reflasher simulate', () => {
  test('--json: the job completes on a copy, the new app boots, and --out holds every image byte for byte', () => {
    const out = join(dir, 'after.bin');
    const r = reflasher(['simulate', '--flash', dumpPath, '--bundle', join(dir, 'bundle'), '--public-key', `${keys}.pub.pem`, '--out', out, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.running).toBe('factory'); // what the dump boots
    expect(j.signedCheck).toBe(true);
    expect(j.boot).toMatchObject({ boots: true, label: 'factory', address: 0x120000, projectName: 'fleet-app', version: '2.0.0' });
    expect(j.bootBefore).toMatchObject({ boots: true, address: 0x20000, projectName: 'xs-reflasher' });
    // The input is never written.
    expect(sha(readFileSync(dumpPath))).toBe(dumpSha);
    const after = readFileSync(out);
    expect(after.subarray(0x1000, 0x1000 + demo.bootloader.length).equals(Buffer.from(demo.bootloader))).toBe(true);
    expect(after.subarray(0x8000, 0x8000 + demo.table.length).equals(Buffer.from(demo.table))).toBe(true);
    expect(after.subarray(0x120000, 0x120000 + demo.app.length).equals(Buffer.from(demo.app))).toBe(true);
    // nvs and phy_init, which the network stack keeps, are untouched.
    expect(after.subarray(0x9000, 0x12000).equals(Buffer.from(demo.flash.subarray(0x9000, 0x12000)))).toBe(true);
    // The figures: the bootloader (in use) was staged, the app went straight to its free slot.
    expect(j.images.map((i: any) => [i.name, i.staged])).toEqual([['bootloader', true], ['partition-table', true], ['app', false]]);
    const total = demo.bootloader.length + demo.table.length + demo.app.length;
    expect(j.ops.bytesWritten).toBeGreaterThanOrEqual(total);
    expect(j.ops.erase4k + j.ops.erase32k + j.ops.erase64k).toBeGreaterThan(0);
    expect(j.ops.bytesRead).toBeGreaterThan(0);
    expect(j.heapPeakBytes).toBeGreaterThan(0);
    // Floor: 6 + 1 + 64 destination sectors, 7 staging sectors; never above what the firmware spent.
    expect(j.floor.sectorsChanged).toBe(71);
    expect(j.floor.stagingSectors).toBe(7);
    expect(j.floorMs).toBeGreaterThan(0);
    expect(j.floorMs).toBeLessThanOrEqual(j.modeledMs);
    // The device cannot boot while the bootloader is erased and rewritten: at least those 6 sector
    // erases (45 ms each), and nowhere near the whole run.
    expect(j.brickWindow.exact).toBe(true);
    expect(j.brickWindowMs).toBeGreaterThanOrEqual(6 * 45);
    expect(j.brickWindowMs).toBeLessThan(j.modeledMs / 2);
  });

  test('--power-cut n exits 3, leaves the input alone, and says so in JSON', () => {
    const r = reflasher(['simulate', '--flash', dumpPath, '--bundle', join(dir, 'bundle'), '--power-cut', '40', '--json']);
    expect(r.status).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    expect(j.error.code).toBe('POWER_CUT');
    expect(j.powerCut).toMatchObject({ afterOps: 40, happened: true });
    expect(sha(readFileSync(dumpPath))).toBe(dumpSha);
    expect(r.stderr).toMatch(/reflasher: error POWER_CUT: /);
  });

  test('a bundle signed with another key is refused by the firmware with SIGNATURE_INVALID, and nothing changes', () => {
    const other = join(dir, 'other');
    expect(reflasher(['keygen', '--out', other]).status).toBe(0);
    const out = join(dir, 'refused.bin');
    const r = reflasher(['simulate', '--flash', dumpPath, '--bundle', join(dir, 'bundle'), '--public-key', `${other}.pub.pem`, '--out', out, '--json']);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.error.code).toBe('SIGNATURE_INVALID');
    expect(j.boot.projectName).toBe('xs-reflasher');
    expect(sha(readFileSync(out))).toBe(dumpSha);
  });

  test('a job over the running app: the firmware refuses it before any erase, exit 1 with its code', () => {
    expect(reflasher(['bundle', '--chip', 'esp32', '--image', `${file('over.bin', demo.app)}@0x20000:app`, '--out', join(dir, 'over')]).status).toBe(0);
    const r = reflasher(['simulate', '--flash', dumpPath, '--bundle', join(dir, 'over'), '--json']);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.error.code).toBe('DEST_RUNNING_APP');
    // The whole message, not the runner's copy cut at its first quote.
    expect(j.error.message).toContain('"factory"');
    expect(j.floor).toBeNull();
    expect(j.planError).toMatch(/^DEST_RUNNING_APP: /);
    expect(j.ops).toMatchObject({ erase4k: 0, erase32k: 0, erase64k: 0, bytesWritten: 0 });
    expect(j.boot.projectName).toBe('xs-reflasher');
  });

  test('a small power-cut sweep on an esp32c3 dump: every cut classified, an app-only job always completes on the next boot', () => {
    // esp32c3, the two-OTA layout, running factory; the bundle writes a small app to the free ota_0.
    const flash = makeFlash({ chip: 'esp32c3', apps: ['factory'] });
    const app = buildEspImage({ crypto: nodeCrypto, chip: 'esp32c3', kind: 'app', size: 0x2000, seed: 9, projectName: 'tiny', version: '1.2.3' });
    const ota0 = TWO_OTA.find((p) => p.label === 'ota_0')!;
    expect(reflasher(['bundle', '--chip', 'esp32c3', '--image', `${file('tiny.bin', app)}@${ota0.address}`, '--out', join(dir, 'tiny')]).status).toBe(0);
    const r = reflasher(['simulate', '--flash', file('c3.bin', flash), '--bundle', join(dir, 'tiny'), '--power-cut-sweep', '--sweep-step', '4', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.chip).toBe('esp32c3');
    // Writing a free slot without otadata does not change what boots.
    expect(j.boot).toMatchObject({ boots: true, label: 'factory' });
    expect(j.brickWindowMs).toBe(0);
    const s = j.sweep;
    expect(s.cutsTried).toBe(Math.ceil(j.ops.total / 4));
    expect(s.counts.completed + s.counts['boots-incomplete'] + s.counts.bricked).toBe(s.cutsTried);
    // The transitional firmware boots after every cut, and finishes the job from its journal.
    expect(s.counts).toEqual({ completed: s.cutsTried, 'boots-incomplete': 0, bricked: 0 });
    expect(s.cuts.every((c: any) => c.rerun === 'done')).toBe(true);
    expect(s.cuts[0].afterOps).toBe(0);
    for (const c of s.cuts) expect(['completed', 'boots-incomplete', 'bricked']).toContain(c.class);
    // The ranges cover every cut once, in order.
    expect(s.ranges[0].fromOps).toBe(0);
    expect(s.ranges.reduce((n: number, g: any) => n + (g.toOps - g.fromOps) / 4 + 1, 0)).toBe(s.cutsTried);
  });

  test('a bundle URL over https (reflasher serve with TLS), trusted through --ca', async () => {
    const pki = makeTestPki();
    const cert = file('server.pem', Buffer.from(pki.serverCert));
    const key = file('server.key', Buffer.from(pki.serverKey));
    const ca = file('ca.pem', Buffer.from(pki.caCert));
    const { child, firstLine } = await reflasherBackground(['serve', join(dir, 'bundle'), '--tls-cert', cert, '--tls-key', key]);
    try {
      const url = /^serving .* at (\S+) /.exec(firstLine)![1];
      expect(url).toMatch(/^https:/);
      // Asynchronous: the server runs in this test's other child meanwhile.
      const r = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const sim = spawn(process.execPath, [join(__dirname, '../../tools/bin/reflasher.js'), 'simulate', '--flash', dumpPath, '--bundle', `${url}manifest.json`, '--ca', ca, '--public-key', `${keys}.pub.pem`, '--json']);
        let stdout = '';
        sim.stdout.on('data', (d) => { stdout += d; });
        sim.on('close', (status) => resolve({ status, stdout }));
      });
      expect(r.status).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.bundle).toBe(`${url}manifest.json`);
      expect(j.boot).toMatchObject({ boots: true, projectName: 'fleet-app' });
      expect(j.floor.sectorsChanged).toBe(71);

      // Without --ca only the public CAs are trusted (the firmware's config.certBundle default): refused.
      const untrusted = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const sim = spawn(process.execPath, [join(__dirname, '../../tools/bin/reflasher.js'), 'simulate', '--flash', dumpPath, '--bundle', `${url}manifest.json`, '--public-key', `${keys}.pub.pem`, '--json']);
        let stdout = '';
        sim.stdout.on('data', (d) => { stdout += d; });
        sim.on('close', (status) => resolve({ status, stdout }));
      });
      expect(untrusted.status).toBe(1);
      const u = JSON.parse(untrusted.stdout);
      expect(u.error.code).toBe('SOURCE_TLS');
      expect(u.error.message).toMatch(/give the CA that signs the server with --ca/);
    } finally {
      child.kill('SIGTERM');
      pki.dispose();
    }
  }, 60_000);

  test('usage: a dump that is no flash size, and exclusive options', () => {
    const tiny = reflasher(['simulate', '--flash', file('small.bin', new Uint8Array(1000)), '--bundle', join(dir, 'bundle'), '--json']);
    expect(tiny.status).toBe(1);
    expect(JSON.parse(tiny.stdout).error.code).toBe('DUMP_INVALID');
    expect(reflasher(['simulate', '--flash', dumpPath, '--bundle', join(dir, 'bundle'), '--power-cut', '3', '--power-cut-sweep']).status).toBe(2);
    expect(reflasher(['simulate', '--bundle', join(dir, 'bundle')]).status).toBe(2);
  });
});
