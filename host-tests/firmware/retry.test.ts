import { backoff, decide, isTransient } from '../../src/app/retry';
import { runWithRetry } from '../../src/app/run';
import { ReflashError, type ErrorCode } from '../../src/core/errors';
import type { JobResult } from '../../src/core/job';
import type { RetryPolicy } from '../../src/app/config';

const policy: RetryPolicy = { attempts: 3, delayMs: 5_000, maxDelayMs: 30_000 };
const err = (code: ErrorCode, details?: Record<string, number>) => new ReflashError(code, `test ${code}`, details);

describe('isTransient', () => {
  test.each(['SOURCE_CONNECT', 'SOURCE_TIMEOUT', 'SOURCE_IO', 'SOURCE_TRUNCATED'] as ErrorCode[])('%s is retried', (code) => {
    expect(isTransient(err(code))).toBe(true);
  });

  test.each([
    'DEST_OVERLAP', 'DEST_RUNNING_APP', 'STAGING_NONE', 'STAGING_TOO_SMALL', 'CONFIG_INVALID', 'JOB_INVALID',
    'HASH_MISMATCH', 'SIZE_MISMATCH', 'SOURCE_NOT_FOUND', 'SOURCE_TLS', 'READBACK_MISMATCH', 'FLASH_IO', 'FLASH_PROTECTED',
  ] as ErrorCode[])('%s is not', (code) => {
    expect(isTransient(err(code))).toBe(false);
  });

  test('HTTP status: 5xx, 408 and 429 are retried, other 4xx are not', () => {
    for (const s of [500, 502, 503, 504, 408, 429]) expect(isTransient(err('SOURCE_HTTP_STATUS', { status: s }))).toBe(true);
    for (const s of [400, 401, 403, 410]) expect(isTransient(err('SOURCE_HTTP_STATUS', { status: s }))).toBe(false);
    expect(isTransient(err('SOURCE_HTTP_STATUS'))).toBe(false);
  });

  test('a bug (not a ReflashError) is not retried', () => {
    expect(isTransient(new TypeError('x is undefined'))).toBe(false);
  });
});

describe('backoff', () => {
  test('doubles from delayMs and stops at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 50].map((n) => backoff(policy, n))).toEqual([5_000, 10_000, 20_000, 30_000, 30_000, 30_000]);
  });
  test('a zero delay stays zero', () => {
    expect(backoff({ attempts: 1, delayMs: 0, maxDelayMs: 0 }, 4)).toBe(0);
  });
});

describe('decide', () => {
  test('a transient failure is retried up to `attempts` times, then stops', () => {
    const e = err('SOURCE_CONNECT');
    expect(decide(policy, { error: e, failures: 1, committing: false })).toMatchObject({ action: 'retry', delayMs: 5_000 });
    expect(decide(policy, { error: e, failures: 3, committing: false })).toMatchObject({ action: 'retry', delayMs: 20_000 });
    expect(decide(policy, { error: e, failures: 4, committing: false }).action).toBe('stop');
  });

  test('attempts 0 retries without end', () => {
    expect(decide({ ...policy, attempts: 0 }, { error: err('SOURCE_TIMEOUT'), failures: 10_000, committing: false }).action).toBe('retry');
  });

  test('a planning refusal stops at once', () => {
    expect(decide(policy, { error: err('DEST_OVERLAP'), failures: 1, committing: false }).action).toBe('stop');
  });

  test('once committing, every failure is retried in place, whatever the code and count', () => {
    for (const e of [err('FLASH_IO'), err('READBACK_MISMATCH'), new Error('bug')]) {
      expect(decide(policy, { error: e, failures: 99, committing: true }).action).toBe('retry');
    }
  });
});

describe('runWithRetry', () => {
  const result: JobResult = { images: [], staging: undefined, elapsedMs: 1 };

  function harness(outcomes: Array<unknown | 'ok'>, committingAfter = Infinity) {
    const sleeps: number[] = [];
    const lines: string[] = [];
    let calls = 0;
    const deps = {
      attempt: async () => {
        const o = outcomes[Math.min(calls++, outcomes.length - 1)];
        if (o === 'ok') return result;
        throw o;
      },
      committing: () => calls > committingAfter,
      sleep: async (ms: number) => { sleeps.push(ms); },
      log: (l: string) => { lines.push(l); },
    };
    return { deps, sleeps, lines, calls: () => calls };
  }

  test('succeeds after two network failures, waiting the backoff between', async () => {
    const h = harness([err('SOURCE_CONNECT'), err('SOURCE_TIMEOUT'), 'ok']);
    const out = await runWithRetry(policy, h.deps);
    expect(out).toEqual({ status: 'done', result, attempts: 3 });
    expect(h.sleeps).toEqual([5_000, 10_000]);
    expect(h.lines[0]).toMatch(/^error SOURCE_CONNECT: /);
  });

  test('stops on a planning refusal without waiting', async () => {
    const h = harness([err('STAGING_NONE')]);
    const out = await runWithRetry(policy, h.deps);
    expect(out.status).toBe('stopped');
    expect(out.status === 'stopped' && (out.error as ReflashError).code).toBe('STAGING_NONE');
    expect(h.sleeps).toEqual([]);
    expect(h.calls()).toBe(1);
  });

  test('gives up after 1 + attempts runs of a transient failure', async () => {
    const h = harness([err('SOURCE_IO')]);
    const out = await runWithRetry(policy, h.deps);
    expect(out).toMatchObject({ status: 'stopped', attempts: 4 });
    expect(h.calls()).toBe(4);
  });

  test('a non-transient failure during commit is retried until it succeeds', async () => {
    const fails = Array.from({ length: 10 }, () => err('FLASH_IO'));
    const h = harness([...fails, 'ok'], 0);
    const out = await runWithRetry(policy, h.deps);
    expect(out).toMatchObject({ status: 'done', attempts: 11 });
    expect(h.sleeps.at(-1)).toBe(30_000);
  });
});
