/**
 * What the app does after a failed run of the job: retry after a delay, or
 * stop and wait for a person. Pure, so the device and the host runtime share
 * it and jest tests it.
 *
 * The rule that matters most: once the engine has started committing in-use
 * destinations (bootloader, partition table, otadata, the running app's
 * neighbours), a restart could boot into a half-written boot chain. From then
 * on the app never restarts and never gives up: it retries the job in place
 * (the engine skips sectors that already hold the right bytes) for as long as
 * the device has power. Until the journal of the safety work exists, this is
 * the only protection against a failure in that window.
 */
import { isReflashError, type ErrorCode } from '../core/errors';
import type { RetryPolicy } from './config';

export type Decision =
  | { action: 'retry'; delayMs: number; reason: string }
  | { action: 'stop'; reason: string };

/**
 * Codes that a later attempt can cure: the network, the server, a stalled
 * transfer. Everything else (planning refusals, bad config, hash or
 * signature mismatches, flash errors, bugs) fails the same way every time.
 */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SOURCE_CONNECT', 'SOURCE_TIMEOUT', 'SOURCE_IO', 'SOURCE_TRUNCATED',
]);

/** HTTP statuses worth asking again: timeout, rate limit, and server-side failures. */
function transientStatus(status: unknown): boolean {
  return typeof status === 'number' && (status === 408 || status === 429 || status >= 500);
}

/** Whether trying the same job again can succeed. */
export function isTransient(error: unknown): boolean {
  if (!isReflashError(error)) return false;
  if (error.code === 'SOURCE_HTTP_STATUS') return transientStatus(error.details?.status);
  return TRANSIENT.has(error.code);
}

/**
 * Delay before retry number `attempt` (1 = the first retry): `delayMs`
 * doubled each time, capped at `maxDelayMs`.
 * 5000 ms, cap 300000 -> 5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000...
 */
export function backoff(policy: RetryPolicy, attempt: number): number {
  let delay = policy.delayMs;
  for (let i = 1; i < attempt && delay < policy.maxDelayMs; i++) delay *= 2;
  return Math.min(delay, policy.maxDelayMs);
}

export interface FailureContext {
  error: unknown;
  /** Failed runs so far, this one included (1 after the first failure). */
  failures: number;
  /** The engine reported a commit step: in-use destinations may be partly written. */
  committing: boolean;
}

/**
 * Decide after a failure. Match order:
 * 1. committing            -> retry (always, without end, never restart)
 * 2. not transient         -> stop
 * 3. attempts exhausted    -> stop (attempts 0 = without end)
 * 4. otherwise             -> retry after backoff
 */
export function decide(policy: RetryPolicy, ctx: FailureContext): Decision {
  const delayMs = backoff(policy, ctx.failures);
  if (ctx.committing) {
    return { action: 'retry', delayMs, reason: 'in-use destinations may be partly written: retrying in place, not restarting' };
  }
  if (!isTransient(ctx.error)) {
    return { action: 'stop', reason: 'this error does not go away by retrying' };
  }
  if (policy.attempts !== 0 && ctx.failures > policy.attempts) {
    return { action: 'stop', reason: `gave up after ${ctx.failures} failed attempts (config.retryAttempts ${policy.attempts})` };
  }
  return { action: 'retry', delayMs, reason: 'the failure may be transient' };
}
