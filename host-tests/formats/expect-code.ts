import { ReflashError } from '../../src/core/errors';

/** Runs `fn` and returns the ReflashError code it threw; fails the test on success or any other exception. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReflashError) return e.code;
    throw e;
  }
  throw new Error('expected a ReflashError, but the call succeeded');
}
