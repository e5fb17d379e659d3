/**
 * The app's top-level handler (STYLE rule 11): run the job, and on failure
 * decide once whether to retry, and when. Platform-neutral: the device and
 * the host runtime inject how to run one attempt, how to wait and where to log.
 */
import type { JobResult } from '../core/job';
import type { RetryPolicy } from './config';
import { decide } from './retry';
import { formatError } from './report';

export interface RunDeps {
  /** One attempt: fetch or open the bundle, then the engine's runJob. */
  attempt(): Promise<JobResult>;
  /** Whether the engine has reached its commit phase in any attempt so far. */
  committing(): boolean;
  /** Called before each attempt after the first. */
  beforeRetry?(): void;
  sleep(ms: number): Promise<void>;
  log(line: string): void;
}

export type Outcome =
  | { status: 'done'; result: JobResult; attempts: number }
  | { status: 'stopped'; error: unknown; attempts: number };

/**
 * Run until the job succeeds or the policy says stop. A stop never happens
 * once the engine is committing (see retry.ts): then this only returns on
 * success.
 */
export async function runWithRetry(policy: RetryPolicy, deps: RunDeps): Promise<Outcome> {
  for (let failures = 0; ; ) {
    if (failures > 0) deps.beforeRetry?.();
    try {
      const result = await deps.attempt();
      return { status: 'done', result, attempts: failures + 1 };
    } catch (error) {
      failures++;
      deps.log(formatError(error));
      const decision = decide(policy, { error, failures, committing: deps.committing() });
      if (decision.action === 'stop') {
        deps.log(`stopped: ${decision.reason}`);
        return { status: 'stopped', error, attempts: failures };
      }
      deps.log(`retry ${failures} in ${Math.round(decision.delayMs / 1000)} s: ${decision.reason}`);
      await deps.sleep(decision.delayMs);
    }
  }
}
