#!/usr/bin/env node
import { Command } from 'commander';
import { CliError, createCliContext, type CliContext } from './context';
import { registerConfigCheck } from './commands/config-check';
import { registerReactivate } from './commands/reactivate';
import { registerReplay } from './commands/replay';
import { registerSimulate } from './commands/simulate';
import { registerStatus } from './commands/status';

/**
 * `bridge` — the operator's CLI (CONTRACTS.md §4). Each command lives in cli/commands/ and
 * gets a lazily opened context; errors end with a plain message and a non-zero exit code.
 */
export function buildCli(): { program: Command; context: () => CliContext } {
  const program = new Command('bridge')
    .description('Ringostat → Bitrix24 call bridge: operate integrations, replay events, check config')
    .option('--config <file>', 'project config file (JSON or YAML); default $CONFIG_PATH')
    .showHelpAfterError();
  let context: CliContext | undefined;
  const getContext = () => (context ??= createCliContext({ configPath: program.opts<{ config?: string }>().config }));
  registerReactivate(program, getContext);
  registerStatus(program, getContext);
  registerReplay(program, getContext);
  registerConfigCheck(program, getContext);
  registerSimulate(program, getContext);
  return { program, context: getContext };
}

async function main(): Promise<void> {
  const { program, context } = buildCli();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  } finally {
    await context().close();
  }
}

if (require.main === module) void main();
