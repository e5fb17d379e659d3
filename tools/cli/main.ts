import type { Command } from './command';
import { parseCommandArgs } from './command';
import { makeOutput, reportFailure, UsageError } from './output';
import { keygen } from './commands/keygen';
import { serve } from './commands/serve';
import { bundle } from './commands/bundle';
import { inspect } from './commands/inspect';
import { partitions } from './commands/partitions';
import { simulate } from './commands/simulate';
import { demo } from './commands/demo';

const commands: Command[] = [keygen, bundle, inspect, partitions, serve, simulate, demo];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: reflasher <command> [options]    (reflasher <command> --help for more)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 success, 1 refused or failed (error code printed), 2 usage, 3 simulated power cut, 70 bug.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const [name, ...rest] = argv;
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(overview() + '\n');
      return name ? 0 : 2;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`);
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help) {
      process.stdout.write(command.help + '\n');
      return 0;
    }
    return await command.run(values, positionals, makeOutput(json));
  } catch (e) {
    return reportFailure(e, json);
  }
}
