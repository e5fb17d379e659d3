/**
 * The firmware the host runner executes: reads the job the runner was given,
 * builds the device platform over the native modules, runs the engine, and
 * reports the outcome to the runner (which writes the JSON report and picks
 * the exit code). The same engine and platform code run on the device.
 */
import { runJob } from '../../src/core/engine';
import { ReflashError, isReflashError } from '../../src/core/errors';
import type { JobSpec } from '../../src/core/job';
import type { LogLevel, ProgressEvent, ReportPort } from '../../src/core/ports';
import { createCrypto } from '../../src/device/crypto';
import { createHttpSources, type HttpSourceOptions } from '../../src/device/http-source';
import { devicePlatform } from '../../src/device/platform';

declare function trace(...text: string[]): void;

/** The --job file: a JobSpec, plus the HTTP client's settings. */
interface HostJob extends JobSpec {
  http?: HttpSourceOptions;
}

function finish(ok: boolean, bug: boolean, body: unknown): void {
  native('xs_runner_finish')(ok, bug, JSON.stringify(body));
}

/** Prints a line per phase change and per 10% of an image. */
function traceReport(): ReportPort {
  let last = '';
  return {
    progress(e: ProgressEvent): void {
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
    throw new ReflashError('JOB_INVALID', `the job file is not JSON (${(e as Error).message}); write it as a JobSpec`);
  }
}

async function main(): Promise<void> {
  const { http, ...job } = readJob();
  const platform = devicePlatform({ report: traceReport(), crypto: createCrypto(), http: createHttpSources(http ?? {}) });
  // The heap figures of the report count from here: the firmware is loaded
  // and idle. Yield first, so the top-level script has returned and what
  // only it held (about 30 KiB on the host) is not counted as idle.
  await Promise.resolve();
  native('xs_runner_heap_mark')();
  const result = await runJob(job, platform);
  trace(`done in ${Math.round(result.elapsedMs)} ms\n`);
  finish(true, false, { ok: true, result });
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
