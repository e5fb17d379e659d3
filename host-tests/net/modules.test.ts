/**
 * The http and crypto modules inside the host runtime (real XS, the module C
 * over libcurl and Mbed TLS), through the ports the engine uses, against a
 * loopback server that misbehaves on request. One probe firmware run per case.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestPki } from './certs';
import { refusedPort, startServerSet, startSilentServer, type FaultServer, type ServerSet } from './fault-server';
import { blankFlash } from './flash-image';
import { bundleFirmware, ensureRuntime, runFirmware, scratchDir, traceLines } from './runtime';

jest.setTimeout(120_000);

const IMAGE = new Uint8Array(randomBytes(4 << 20));
const SMALL = IMAGE.subarray(0, 100_000);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let servers: ServerSet;
let pki: TestPki;
let plain: FaultServer;
let secure: FaultServer;
let rogue: FaultServer;
let dir: string;
let flash: string;
let firmware: string;

beforeAll(async () => {
  ensureRuntime();
  dir = scratchDir('xsr-net-');
  firmware = bundleFirmware(join(__dirname, 'probe/net-probe.ts'), dir);
  flash = join(dir, 'flash.bin');
  writeFileSync(flash, blankFlash());
  servers = await startServerSet(new Map([['image.bin', IMAGE], ['small.bin', SMALL]]));
  ({ pki, plain, secure, rogue } = servers);
});

afterAll(() => servers?.close());

const quick = { connectTimeoutMs: 2000, readTimeoutMs: 1000 };

/** Runs one probe case; returns its trace line. */
async function probe(c: { url: string; offset?: number; options?: Record<string, unknown> }): Promise<Record<string, any>> {
  const run = await runFirmware({ flash, firmware, dir, job: { cases: [{ ...c, options: { ...quick, ...c.options } }] } });
  const lines = traceLines(run.stdout);
  expect(run.exitCode).toBe(0);
  expect(lines).toHaveLength(1);
  expect(lines[0]!.bug).toBeUndefined();
  delete lines[0]!.ms;
  return lines[0]!;
}

const requestsTo = (server: FaultServer, fragment: string) => server.log.filter((r) => r.path.includes(fragment));

describe('http source in the host runtime', () => {
  test('streams a 4 MiB image over http byte for byte', async () => {
    const r = await probe({ url: `${plain.origin}/img/image.bin` });
    expect(r).toMatchObject({ ok: true, total: IMAGE.length, length: IMAGE.length, sha256: sha256(IMAGE) });
  });

  test('streams over https with the CA from the config', async () => {
    const r = await probe({ url: `${secure.origin}/img/image.bin`, options: { caCert: pki.caCert } });
    expect(r).toMatchObject({ ok: true, total: IMAGE.length, sha256: sha256(IMAGE) });
  });

  test('404 is SOURCE_NOT_FOUND, 500 is SOURCE_HTTP_STATUS', async () => {
    expect(await probe({ url: `${plain.origin}/status/404` })).toMatchObject({ ok: false, code: 'SOURCE_NOT_FOUND' });
    expect(await probe({ url: `${plain.origin}/status/500` })).toMatchObject({ ok: false, code: 'SOURCE_HTTP_STATUS' });
  });

  test('follows redirects within the limit', async () => {
    const r = await probe({ url: `${plain.origin}/redirect/3/small.bin` });
    expect(r).toMatchObject({ ok: true, total: SMALL.length, sha256: sha256(SMALL) });
    expect(requestsTo(plain, '/redirect/').filter((q) => q.path.endsWith('small.bin'))).toHaveLength(3);
  });

  test('refuses a redirect loop after maxRedirects hops', async () => {
    const before = requestsTo(plain, '/loop/').length;
    const r = await probe({ url: `${plain.origin}/loop/small.bin`, options: { maxRedirects: 4 } });
    expect(r).toMatchObject({ ok: false, code: 'SOURCE_REDIRECT_LOOP' });
    expect(requestsTo(plain, '/loop/').length - before).toBe(5);
  });

  test('a body shorter than its Content-Length is SOURCE_TRUNCATED after a refused resume', async () => {
    const r = await probe({ url: `${plain.origin}/short/small.bin` });
    expect(r).toMatchObject({ ok: false, code: 'SOURCE_TRUNCATED', details: { resumeError: 'SOURCE_RANGE_UNSUPPORTED' } });
    expect(requestsTo(plain, '/short/').map((q) => q.range)).toContain(`bytes=${SMALL.length / 2}-`);
  });

  test('a connection reset mid-body resumes with Range and If-Range where the server supports it', async () => {
    const r = await probe({ url: `${plain.origin}/reset/image.bin` });
    expect(r).toMatchObject({ ok: true, total: IMAGE.length, length: IMAGE.length, sha256: sha256(IMAGE) });
    const resumed = requestsTo(plain, '/reset/').find((q) => q.range);
    expect(resumed).toMatchObject({ status: 206, range: `bytes=${IMAGE.length / 2}-` });
    expect(resumed!.ifRange).toMatch(/^"[0-9a-f]{16}"$/);
  });

  test('a connection reset mid-body is SOURCE_IO where the server ignores Range', async () => {
    const r = await probe({ url: `${plain.origin}/reset-norange/image.bin` });
    expect(r).toMatchObject({ ok: false, code: 'SOURCE_IO', details: { resumeError: 'SOURCE_RANGE_UNSUPPORTED' } });
  });

  test('a read that stalls past the timeout is SOURCE_TIMEOUT', async () => {
    const started = Date.now();
    const r = await probe({ url: `${plain.origin}/stall/small.bin`, options: { readTimeoutMs: 800 } });
    expect(r).toMatchObject({ ok: false, code: 'SOURCE_TIMEOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });

  test('chunked encoding streams with no announced length', async () => {
    const r = await probe({ url: `${plain.origin}/chunked/image.bin` });
    expect(r).toMatchObject({ ok: true, total: IMAGE.length, sha256: sha256(IMAGE) });
    expect(r.length).toBeUndefined();
  });

  test('a certificate from an unknown CA, or no CA at all, is SOURCE_TLS', async () => {
    expect(await probe({ url: `${rogue.origin}/img/small.bin`, options: { caCert: pki.caCert } }))
      .toMatchObject({ ok: false, code: 'SOURCE_TLS' });
    expect(await probe({ url: `${secure.origin}/img/small.bin`, options: { caCert: pki.otherCaCert } }))
      .toMatchObject({ ok: false, code: 'SOURCE_TLS' });
    expect(await probe({ url: `${secure.origin}/img/small.bin` })).toMatchObject({ ok: false, code: 'SOURCE_TLS' });
  });

  test('follows a redirect to another origin and scheme (http to https)', async () => {
    const target = encodeURIComponent(`${secure.origin}/img/small.bin`);
    const r = await probe({ url: `${plain.origin}/goto/${target}`, options: { caCert: pki.caCert } });
    expect(r).toMatchObject({ ok: true, total: SMALL.length, sha256: sha256(SMALL) });
  });

  test('the certificate bundle option does not trust the test CA', async () => {
    expect(await probe({ url: `${secure.origin}/img/small.bin`, options: { certBundle: true } }))
      .toMatchObject({ ok: false, code: 'SOURCE_TLS' });
  });

  test('a server that never answers: SOURCE_CONNECT for a TLS handshake, SOURCE_TIMEOUT for HTTP headers', async () => {
    const silent = await startSilentServer();
    try {
      let started = Date.now();
      expect(await probe({ url: `https://127.0.0.1:${silent.port}/x`, options: { caCert: pki.caCert, connectTimeoutMs: 700 } }))
        .toMatchObject({ ok: false, code: 'SOURCE_CONNECT' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      started = Date.now();
      expect(await probe({ url: `http://127.0.0.1:${silent.port}/x`, options: { readTimeoutMs: 700 } }))
        .toMatchObject({ ok: false, code: 'SOURCE_TIMEOUT' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    } finally {
      await silent.close();
    }
  });

  test('a host that refuses connections is SOURCE_CONNECT', async () => {
    const port = await refusedPort();
    expect(await probe({ url: `http://127.0.0.1:${port}/img/small.bin` })).toMatchObject({ ok: false, code: 'SOURCE_CONNECT' });
  });

  test('opens at an offset with Range, and refuses a server that ignores it', async () => {
    const offset = IMAGE.length - 5000;
    const r = await probe({ url: `${plain.origin}/img/image.bin`, offset });
    expect(r).toMatchObject({ ok: true, total: 5000, length: IMAGE.length, sha256: sha256(IMAGE.subarray(offset)) });
    expect(await probe({ url: `${plain.origin}/norange/image.bin`, offset }))
      .toMatchObject({ ok: false, code: 'SOURCE_RANGE_UNSUPPORTED' });
  });

  test('refuses URLs that are not http(s) before any connection', async () => {
    expect(await probe({ url: 'ftp://127.0.0.1/image.bin' })).toMatchObject({ ok: false, code: 'JOB_INVALID' });
  });
});

describe('native objects used directly', () => {
  test('bad arguments are caller bugs, close() twice is safe, use after close or digest is refused', async () => {
    const run = await runFirmware({ flash, firmware, dir, job: { lifecycle: `${plain.origin}/img/small.bin` } });
    expect(run.exitCode).toBe(0);
    expect(traceLines(run.stdout)).toEqual([{
      kind: 'lifecycle',
      connectTimeoutZero: 'RangeError',
      readTimeoutNegative: 'RangeError',
      maxRedirectsNegative: 'RangeError',
      offsetNegative: 'RangeError',
      open: 'ok',
      readNotABuffer: 'TypeError',
      read: 'ok',
      close: 'ok',
      closeAgain: 'ok',
      readAfterClose: 'SOURCE_IO',
      openAfterClose: 'SOURCE_IO',
      digest: 'ok',
      updateAfterDigest: 'Error',
      digestAgain: 'Error',
    }]);
  });
});

describe('crypto module in the host runtime', () => {
  test('ECDSA P-256: a good signature verifies, a tampered one does not, a bad key is CONFIG_INVALID', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const message = randomBytes(1000);
    const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const tampered = Buffer.from(signature);
    tampered[10] ^= 1;
    const notOnCurve = Buffer.from(point);
    notOnCurve[64] ^= 1;
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const run = await runFirmware({ flash, firmware, dir, job: { signatures: [
      [hex(point), hex(message), hex(signature)],
      [hex(point), hex(message), hex(tampered)],
      [hex(point), hex(Buffer.concat([message, Buffer.from([0])])), hex(signature)],
      [hex(point), hex(message), hex(signature.subarray(0, 63))],
      [hex(notOnCurve), hex(message), hex(signature)],
      [hex(point.subarray(1)), hex(message), hex(signature)],
    ] } });
    expect(run.exitCode).toBe(0);
    expect(traceLines(run.stdout)).toEqual([
      { kind: 'signature', ok: true, valid: true },
      { kind: 'signature', ok: true, valid: false },
      { kind: 'signature', ok: true, valid: false },
      { kind: 'signature', ok: true, valid: false },
      expect.objectContaining({ kind: 'signature', ok: false, code: 'CONFIG_INVALID' }),
      expect.objectContaining({ kind: 'signature', ok: false, code: 'CONFIG_INVALID' }),
    ]);
  });

  test('MD5 matches Node for the empty input and a partition table', async () => {
    const data = [Buffer.alloc(0), Buffer.from(blankFlash().subarray(0x8000, 0x8000 + 6 * 32))];
    const run = await runFirmware({ flash, firmware, dir, job: { md5: data.map((d) => d.toString('hex')) } });
    expect(traceLines(run.stdout)).toEqual(data.map((d) => ({ kind: 'md5', md5: createHash('md5').update(d).digest('hex') })));
  });
});
