/**
 * Test firmware for the host runtime (runs inside XS, not Node): opens each
 * case of the job through the device HTTP source, hashes the body with the
 * device crypto port, and prints one JSON line per case. It exercises the
 * http and crypto modules without the engine, so their behaviour under each
 * fault is checked at the port the engine uses.
 */
import Http from '../../../modules/http/http';
import { Sha256 } from '../../../modules/crypto/crypto';
import { isReflashError } from '../../../src/core/errors';
import { callNative } from '../../../src/device/native-errors';
import { createCrypto } from '../../../src/device/crypto';
import { createHttpSources, type HttpSourceOptions } from '../../../src/device/http-source';

declare function trace(text: string): void;

interface ProbeCase {
  url: string;
  offset?: number;
  bufferSize?: number;
  /** Skip hashing: measure the transfer alone. */
  noHash?: boolean;
  options?: HttpSourceOptions;
}

interface ProbeJob {
  cases?: ProbeCase[];
  /** Crypto checks: [publicKeyHex, messageHex, signatureHex, expected]. */
  signatures?: Array<[string, string, string]>;
  md5?: string[];
  /** A URL for the module's lifecycle and argument checks. */
  lifecycle?: string;
}

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

function bytesOf(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function describe(e: unknown): Record<string, unknown> {
  if (isReflashError(e)) return { ok: false, code: e.code, message: e.message, details: e.details };
  const err = e as Error;
  return { ok: false, bug: true, name: err?.name, message: String(err?.message ?? e) };
}

async function fetchCase(c: ProbeCase): Promise<Record<string, unknown>> {
  const crypto = createCrypto();
  const started = Date.now();
  const source = await createHttpSources(c.options).open({ url: c.url }, c.offset ?? 0);
  try {
    const hash = crypto.sha256();
    const buffer = new Uint8Array(c.bufferSize ?? 16384);
    let total = 0;
    for (;;) {
      const n = await source.read(buffer);
      if (n === 0) break;
      if (!c.noHash) hash.update(buffer.subarray(0, n));
      total += n;
    }
    const ms = Date.now() - started;
    return { ok: true, total, length: source.length, sha256: hexOf(hash.digest()), ms };
  } finally {
    source.close();
    source.close(); // twice on purpose: close() must be idempotent
  }
}

/** What a call throws: its code, or its error type for a bug-class error; 'ok' when it returns. */
function outcome(call: () => unknown): string {
  try {
    call();
    return 'ok';
  } catch (e) {
    const mapped = (() => { try { return callNative(() => { throw e; }); } catch (m) { return m; } })();
    return isReflashError(mapped) ? mapped.code : (e as Error).name;
  }
}

/** The native objects used directly: bad arguments, close twice, use after close. */
function lifecycle(url: string): Record<string, string> {
  const options = { url, connectTimeoutMs: 2000, readTimeoutMs: 2000, maxRedirects: 2 };
  const http = new Http(options);
  const buffer = new Uint8Array(1000);
  const hash = new Sha256();
  const result = {
    connectTimeoutZero: outcome(() => new Http({ ...options, connectTimeoutMs: 0 })),
    readTimeoutNegative: outcome(() => new Http({ ...options, readTimeoutMs: -1 })),
    maxRedirectsNegative: outcome(() => new Http({ ...options, maxRedirects: -1 })),
    offsetNegative: outcome(() => http.open(-1, undefined)),
    open: outcome(() => http.open(0, undefined)),
    readNotABuffer: outcome(() => http.read(42 as unknown as Uint8Array)),
    read: outcome(() => http.read(buffer)),
    close: outcome(() => http.close()),
    closeAgain: outcome(() => http.close()),
    readAfterClose: outcome(() => http.read(buffer)),
    openAfterClose: outcome(() => http.open(0, undefined)),
    digest: outcome(() => hash.digest()),
    updateAfterDigest: outcome(() => hash.update(buffer)),
    digestAgain: outcome(() => hash.digest()),
  };
  return result;
}

async function main(): Promise<void> {
  const job = JSON.parse(native('xs_runner_job').call(undefined) as string) as ProbeJob;
  for (const c of job.cases ?? []) {
    let result: Record<string, unknown>;
    try {
      result = await fetchCase(c);
    } catch (e) {
      result = describe(e);
    }
    trace(JSON.stringify({ kind: 'case', url: c.url, ...result }) + '\n');
  }
  const crypto = createCrypto();
  for (const [key, message, signature] of job.signatures ?? []) {
    let result: Record<string, unknown>;
    try {
      result = { ok: true, valid: crypto.verifyP256(bytesOf(key), bytesOf(message), bytesOf(signature)) };
    } catch (e) {
      result = describe(e);
    }
    trace(JSON.stringify({ kind: 'signature', ...result }) + '\n');
  }
  for (const data of job.md5 ?? []) {
    trace(JSON.stringify({ kind: 'md5', md5: hexOf(crypto.md5(bytesOf(data))) }) + '\n');
  }
  if (job.lifecycle) trace(JSON.stringify({ kind: 'lifecycle', ...lifecycle(job.lifecycle) }) + '\n');
  native('xs_runner_finish').call(undefined, true, false, '{"ok":true}');
}

main().catch((e) => {
  native('xs_runner_finish').call(undefined, false, true, JSON.stringify(describe(e)));
});
