/**
 * Download-mode reflashes, end to end: the firmware (engine, device platform,
 * http and crypto modules) runs in the host runtime over a simulated 4 MiB
 * ESP32 flash and fetches its images from a loopback server. Each job writes
 * an app to a free slot (ota_0, straight from the source) and new nvs data to
 * an in-use destination (staged in ota_1, committed after every hash
 * matched). Success is checked byte for byte; every fault must end in its
 * stable code with the in-use destination and the boot regions untouched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestPki } from './certs';
import { refusedPort, startServerSet, type FaultServer, type ServerSet } from './fault-server';
import { FLASH_SIZE, LAYOUT, blankFlash } from './flash-image';
import { ensureRuntime, runFirmware, scratchDir } from './runtime';

jest.setTimeout(120_000);

const part = (label: string) => LAYOUT.find((p) => p.label === label)!;
const OTA0 = part('ota_0');
const OTA1 = part('ota_1');
const NVS = part('nvs');
const APP = new Uint8Array(randomBytes(700 * 1024));
const DATA = new Uint8Array(randomBytes(NVS.size));
const OLD_NVS = new Uint8Array(randomBytes(NVS.size));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let servers: ServerSet;
let pki: TestPki;
let plain: FaultServer;
let secure: FaultServer;
let rogue: FaultServer;
let dir: string;
let before: Uint8Array;

beforeAll(async () => {
  ensureRuntime();
  dir = scratchDir('xsr-reflash-');
  servers = await startServerSet(new Map([['app.bin', APP], ['nvs.bin', DATA]]));
  ({ pki, plain, secure, rogue } = servers);
  // A device in service: its nvs holds data the network stack needs.
  before = blankFlash();
  before.set(OLD_NVS, NVS.address);
});

afterAll(() => servers?.close());

interface Images { app: string; nvs: string; nvsSha?: string; nvsSize?: number }

async function reflash(urls: Images, http: Record<string, unknown> = {}) {
  const flash = join(dir, `flash-${Math.random().toString(16).slice(2)}.bin`);
  writeFileSync(flash, before);
  const job = {
    images: [
      { name: 'app', source: { url: urls.app }, destination: OTA0.address, regionSize: OTA0.size, sha256: sha256(APP), kind: 'raw' },
      { name: 'nvs', source: { url: urls.nvs }, destination: NVS.address, regionSize: NVS.size,
        sha256: urls.nvsSha ?? sha256(DATA), kind: 'raw', ...(urls.nvsSize ? { size: urls.nvsSize } : {}) },
    ],
    staging: 'ota_1',
    http: { connectTimeoutMs: 2000, readTimeoutMs: 800, ...http },
  };
  const run = await runFirmware({ flash, dir, job });
  return { run, after: new Uint8Array(readFileSync(flash)) };
}

/** The flash a successful job leaves: the images in place, the staging slot aside. */
function expectReflashed(after: Uint8Array): void {
  const expected = new Uint8Array(before);
  expected.set(APP, OTA0.address);
  expected.set(DATA, NVS.address);
  expect(after.length).toBe(FLASH_SIZE);
  const outsideStaging = (b: Uint8Array) => Buffer.concat([b.subarray(0, OTA1.address), b.subarray(OTA1.address + OTA1.size)]);
  expect(outsideStaging(after).equals(outsideStaging(expected))).toBe(true);
}

/** A refused job: its code, and nothing the device needs touched. */
function expectRefused(result: Awaited<ReturnType<typeof reflash>>, code: string): void {
  const { run, after } = result;
  expect(run.exitCode).toBe(1);
  expect(run.report?.error).toMatchObject({ code });
  for (const [start, end] of [[0, OTA0.address], [0x20000, 0x120000]] as const) {
    // bootloader, partition table, nvs, otadata, phy, and the running app
    expect(Buffer.from(after.subarray(start, end)).equals(Buffer.from(before.subarray(start, end)))).toBe(true);
  }
}

describe('download-mode reflash in the host runtime', () => {
  test('over http: an app to a free slot and nvs data to an in-use destination, byte for byte', async () => {
    const { run, after } = await reflash({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/img/nvs.bin` });
    expect(run.exitCode).toBe(0);
    expect(run.report?.ok).toBe(true);
    // the app went straight to its free slot; the nvs data through staging
    expect(run.report?.firmware).toMatchObject({ result: { staging: 'ota_1', images: [
      { name: 'app', staged: false, size: APP.length }, { name: 'nvs', staged: true, size: DATA.length }] } });
    expectReflashed(after);
  });

  test('over https with the configured CA, through a redirect and a chunked body', async () => {
    const { run, after } = await reflash(
      { app: `${secure.origin}/redirect/2/app.bin`, nvs: `${secure.origin}/chunked/nvs.bin`, nvsSize: DATA.length },
      { caCert: pki.caCert });
    expect(run.exitCode).toBe(0);
    expectReflashed(after);
  });

  test('a connection reset mid-body resumes with Range and completes', async () => {
    const { run, after } = await reflash({ app: `${plain.origin}/reset/app.bin`, nvs: `${plain.origin}/reset/nvs.bin` });
    expect(run.exitCode).toBe(0);
    expectReflashed(after);
    expect(plain.log.some((r) => r.path.startsWith('/reset/') && r.status === 206)).toBe(true);
  });

  const faults: Array<{ name: string; urls: () => Images; code: string; http?: () => Record<string, unknown> }> = [
    { name: '404', code: 'SOURCE_NOT_FOUND', urls: () => ({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/img/missing.bin` }) },
    { name: '500', code: 'SOURCE_HTTP_STATUS', urls: () => ({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/status/500` }) },
    { name: 'a redirect loop', code: 'SOURCE_REDIRECT_LOOP', urls: () => ({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/loop/nvs.bin` }) },
    { name: 'a body shorter than its Content-Length', code: 'SOURCE_TRUNCATED', urls: () => ({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/short/nvs.bin` }) },
    { name: 'a reset where the server ignores Range', code: 'SOURCE_IO', urls: () => ({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/reset-norange/nvs.bin` }) },
    { name: 'a read that stalls past the timeout', code: 'SOURCE_TIMEOUT', urls: () => ({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/stall/nvs.bin` }) },
    { name: 'a certificate from an unknown CA', code: 'SOURCE_TLS', urls: () => ({ app: `${secure.origin}/img/app.bin`, nvs: `${rogue.origin}/img/nvs.bin` }), http: () => ({ caCert: pki.caCert }) },
    { name: 'a hash mismatch', code: 'HASH_MISMATCH', urls: () => ({ app: `${plain.origin}/img/app.bin`, nvs: `${plain.origin}/img/nvs.bin`, nvsSha: sha256(APP) }) },
  ];

  test.each(faults)('$name ends the job cleanly, in-use regions untouched', async ({ urls, code, http }) => {
    expectRefused(await reflash(urls(), http?.()), code);
  });

  test('a host that refuses connections is SOURCE_CONNECT, in-use regions untouched', async () => {
    const port = await refusedPort();
    expectRefused(await reflash({ app: `${plain.origin}/img/app.bin`, nvs: `http://127.0.0.1:${port}/nvs.bin` }), 'SOURCE_CONNECT');
  });

  // The device's own config keys (src/app/config.ts), not the test's http options: an https bundle
  // URL is trusted through config.caCert, and without it only the public CAs are (config.certBundle).
  // The "manifest" here is an image, so a fetch that got through TLS fails as a bundle.
  test.each([
    { name: 'config.caCert trusts the test CA', config: () => ({ caCert: pki.caCert }), code: 'BUNDLE_JSON' },
    { name: 'config.caCert with its line breaks written as \\n, as mcconfig gives it', config: () => ({ caCert: pki.caCert.replace(/\n/g, '\\n') }), code: 'BUNDLE_JSON' },
    { name: 'the default trust (the certificate bundle) refuses the test CA', config: () => ({}), code: 'SOURCE_TLS' },
  ])('an https bundle URL: $name', async ({ config, code }) => {
    const flash = join(dir, `flash-${Math.random().toString(16).slice(2)}.bin`);
    writeFileSync(flash, before);
    const run = await runFirmware({ flash, dir, job: { bundle: `${secure.origin}/img/nvs.bin`, retryAttempts: '0', restart: 'false', ...config() } });
    expect(run.exitCode).toBe(1);
    expect(run.report?.error).toMatchObject({ code });
    expect(Buffer.from(readFileSync(flash)).equals(Buffer.from(before))).toBe(true);
  });
});
