/**
 * The firmware the host runner executes: reads what the runner was given
 * (--job), builds the device platform over the native modules, runs the
 * engine, and reports the outcome to the runner (which writes the JSON report
 * and picks the exit code). The same engine and platform code run on the
 * device.
 *
 * The --job file takes one of two forms:
 *  - a JobSpec (src/core/job.ts), run as given: the runtime's own tests;
 *  - the device's config (the keys of mc/config, src/app/config.ts: `bundle`,
 *    `publicKey`, `mode`, `retryAttempts`...), which goes the device's way:
 *    load the manifest and its signature through the platform's sources,
 *    verify them (src/app/load-bundle.ts with src/core/bundle), then run the
 *    job under the app's retry policy (src/app/run.ts). `reflasher simulate`
 *    and `npm start` use this form.
 * Both may carry `http` (HttpSourceOptions).
 */
import { runJournaled } from '../../src/core/journaled-run';
import { ReflashError, isReflashError } from '../../src/core/errors';
import type { JobResult, JobSpec } from '../../src/core/job';
import type { LogLevel, ProgressEvent, ReportPort } from '../../src/core/ports';
import { bundleToJobSpec, verifyBundle } from '../../src/core/bundle/index';
import { parseConfig } from '../../src/app/config';
import { reflashOnce } from '../../src/app/reflash';
import { runWithRetry } from '../../src/app/run';
import { createCrypto } from '../../src/device/crypto';
import { createHttpSources, type HttpSourceOptions } from '../../src/device/http-source';
import { devicePlatform } from '../../src/device/platform';

declare function trace(...text: string[]): void;
declare function setTimeout(callback: () => void, ms: number): unknown;

/** The --job file: a JobSpec or a device config, plus the HTTP client's settings. */
type HostJob = (JobSpec | Record<string, unknown>) & { http?: HttpSourceOptions };

function finish(ok: boolean, bug: boolean, body: unknown): void {
  native('xs_runner_finish')(ok, bug, JSON.stringify(body));
}

interface TraceReport extends ReportPort {
  /** A `commit` event arrived: in-use destinations may be partly written (the retry policy's question). */
  readonly committing: boolean;
}

/** Prints a line per phase change and per 10% of an image. */
function traceReport(): TraceReport {
  let last = '';
  let committing = false;
  return {
    get committing() { return committing; },
    progress(e: ProgressEvent): void {
      if (e.phase === 'commit') committing = true;
      const tenth = e.total > 0 ? Math.floor((e.done * 10) / e.total) : 10;
      const key = `${e.phase}/${e.image ?? ''}/${tenth}`;
      if (key === last) return;
      last = key;
      trace(`progress ${e.phase}${e.image ? ' ' + e.image : ''} ${e.done}/${e.total}\n`);
    },
    log(level: LogLevel, message: string): void {
      trace(`${level}: ${message}\n`);
    },
  };
}

function readJob(): HostJob {
  try {
    return JSON.parse(native('xs_runner_job')()) as HostJob;
  } catch (e) {
    throw new ReflashError('JOB_INVALID', `the job file is not JSON (${(e as Error).message}); write it as a JobSpec or a device config with "bundle"`);
  }
}

/** The device's path: config -> bundle -> verified job -> runJob, retried as src/app/run.ts decides. */
async function runAsDevice(raw: Record<string, unknown>, http: HttpSourceOptions | undefined): Promise<{ result: JobResult; resumedAt: number | null; attempts: number; signed: boolean; warnings: string[] }> {
  const config = parseConfig(raw);
  const report = traceReport();
  // The job file's `http` (timeouts, for tests) adds to the config's TLS trust.
  const platform = devicePlatform({ report, crypto: createCrypto(), http: createHttpSources({ ...config.tls, ...http }) });
  await Promise.resolve();
  native('xs_runner_heap_mark')();
  let signed = false;
  let warnings: string[] = [];
  let resumedAt: number | null = null;
  const outcome = await runWithRetry(config.retry, {
    async attempt() {
      // As on the device: a journal a power cut left behind is finished first, without fetching the bundle again.
      const run = await reflashOnce(config, platform, { verify: verifyBundle, toJob: bundleToJobSpec }, {
        loaded: (bundle) => { signed = bundle.signed; warnings = bundle.warnings; },
      });
      resumedAt = run.resumedAt;
      return run.result;
    },
    committing: () => report.committing,
    sleep: (ms) => new Promise<void>((resolve) => { setTimeout(resolve, ms); }),
    log: (line) => trace(`app: ${line}\n`),
  });
  if (outcome.status === 'stopped') throw outcome.error;
  return { result: outcome.result, resumedAt, attempts: outcome.attempts, signed, warnings };
}

async function main(): Promise<void> {
  const { http, ...job } = readJob();
  if (typeof (job as Record<string, unknown>).bundle === 'string') {
    const done = await runAsDevice(job as Record<string, unknown>, http);
    trace(`done in ${Math.round(done.result.elapsedMs)} ms after ${done.attempts} attempt(s)\n`);
    finish(true, false, { ok: true, ...done });
    return;
  }
  const platform = devicePlatform({ report: traceReport(), crypto: createCrypto(), http: createHttpSources(http ?? {}) });
  // The heap figures of the report count from here: the firmware is loaded
  // and idle. Yield first, so the top-level script has returned and what
  // only it held (about 30 KiB on the host) is not counted as idle.
  await Promise.resolve();
  native('xs_runner_heap_mark')();
  const { result, resumedAt } = await runJournaled(platform, async () => job as JobSpec);
  trace(`done in ${Math.round(result.elapsedMs)} ms${resumedAt === null ? '' : `, resumed at step ${resumedAt}`}\n`);
  finish(true, false, { ok: true, result, resumedAt });
}

main().catch((e: unknown) => {
  if (isReflashError(e)) {
    trace(`refused: ${e.code}: ${e.message}\n`);
    finish(false, false, { ok: false, error: { code: e.code, message: e.message, details: e.details ?? null } });
  } else {
    const text = e instanceof Error ? `${e.name}: ${e.message}${e.stack ? '\n' + e.stack : ''}` : String(e);
    trace(`firmware bug: ${text}\n`);
    finish(false, true, { ok: false, bug: true, error: { code: 'BUG', message: text } });
  }
});
