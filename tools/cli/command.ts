import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Output } from './output';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One subcommand of `reflasher`: its help text is what `--help` prints. */
export interface Command {
  name: string;
  summary: string;
  /** Usage, options and examples. */
  help: string;
  options: Options;
  positionals?: { min: number; max: number };
  run(values: Values, positionals: string[], out: Output): Promise<number>;
}

/** Parses a subcommand's arguments; every mistake is a UsageError naming the command. */
export function parseCommandArgs(command: Command, argv: string[]): { values: Values; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message, command.name);
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (!parsed.values.help && (n < min || n > max)) {
    throw new UsageError(`expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${n}`, command.name);
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

/** A required string option, or a UsageError that names it. */
export function required(values: Values, name: string, command: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`, command);
  return v;
}

/** `0x8000`, `32768`, `32K`, `1M`: the forms gen_esp32part accepts too. */
export function parseNumber(text: string, what: string, command: string): number {
  const m = /^(0x[0-9a-f]+|\d+)([km])?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${what}: "${text}" is not a number (use 0x8000, 32768, 32K or 1M)`, command);
  const base = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  return unit === 'k' ? base * 1024 : unit === 'm' ? base * 1024 * 1024 : base;
}
