import { isReflashError } from '../../src/core/errors';
import { ExitCode } from './exit-codes';

/** A wrong command line: exit 2 with the usage hint. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Output {
  json: boolean;
  /** A result: a JSON object with --json, else the text lines. */
  result(object: Record<string, unknown>, text: string): void;
  /** A progress or status line for people; nothing with --json. */
  info(line: string): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    result(object, text) {
      process.stdout.write(json ? JSON.stringify(object, null, 2) + '\n' : text.endsWith('\n') ? text : text + '\n');
    },
    info(line) {
      if (!json) process.stderr.write(line + '\n');
    },
  };
}

/** One clear line (or one JSON object) per failure, and the exit code that goes with it. */
export function reportFailure(error: unknown, json: boolean): number {
  let code: string;
  let message: string;
  let exit: number;
  if (isReflashError(error)) {
    code = error.code; message = error.message; exit = ExitCode.failed;
  } else if (error instanceof UsageError) {
    code = 'USAGE'; message = error.message + `\nTry: reflasher ${error.command ?? ''} --help`.replace('  ', ' '); exit = ExitCode.usage;
  } else {
    code = 'INTERNAL'; message = error instanceof Error ? (error.stack ?? error.message) : String(error); exit = ExitCode.internal;
  }
  if (json) process.stdout.write(JSON.stringify({ ok: false, error: { code, message } }, null, 2) + '\n');
  else process.stderr.write(`reflasher: error ${code}: ${message}\n`);
  return exit;
}
