/**
 * The app's ReportPort: turns the engine's progress events into a readable
 * serial log without flooding it (a line per phase or image change and per 10
 * percent), and remembers whether the engine reached its commit phase, which
 * is what the retry policy needs to know. Platform-neutral: the device passes
 * `trace`, the host runtime its own writer.
 */
import type { LogLevel, Phase, ProgressEvent, ReportPort } from '../core/ports';
import { isReflashError } from '../core/errors';

export type LineSink = (line: string) => void;

export interface AppReport extends ReportPort {
  /** True once a `commit` progress event arrived: in-use destinations may be partly written. */
  readonly committing: boolean;
  /** Forget the previous run's throttling state (not `committing`: that never goes back). */
  newRun(): void;
}

export function createReport(sink: LineSink, minLevel: LogLevel = 'info'): AppReport {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  let committing = false;
  let lastKey = '';
  let lastTenth = -1;
  return {
    get committing() { return committing; },
    newRun() { lastKey = ''; lastTenth = -1; },
    progress(event: ProgressEvent) {
      if (event.phase === 'commit') committing = true;
      const key = `${event.phase}/${event.image ?? ''}`;
      const tenth = event.total > 0 ? Math.floor((event.done * 10) / event.total) : 10;
      if (key === lastKey && tenth === lastTenth) return;
      lastKey = key;
      lastTenth = tenth;
      sink(formatProgress(event));
    },
    log(level: LogLevel, message: string) {
      if (order[level] >= order[minLevel]) sink(`${level}: ${message}`);
    },
  };
}

const PHASE_WORD: Readonly<Record<Phase, string>> = Object.freeze({
  plan: 'plan', download: 'download', verify: 'verify', commit: 'commit', done: 'done',
});

/** `download app 40% (409600/1048576)` */
export function formatProgress(e: ProgressEvent): string {
  const percent = e.total > 0 ? Math.floor((e.done * 100) / e.total) : 100;
  const what = e.image ? `${PHASE_WORD[e.phase]} ${e.image}` : PHASE_WORD[e.phase];
  return `${what} ${percent}% (${e.done}/${e.total})`;
}

/** `error DEST_OVERLAP: ...` for a ReflashError; `bug: ...` for anything else. */
export function formatError(error: unknown): string {
  if (isReflashError(error)) return `error ${error.code}: ${error.message}`;
  if (error instanceof Error) return `bug: ${error.name}: ${error.message}`;
  return `bug: ${String(error)}`;
}
