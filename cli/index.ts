#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../platform/paths';
import type { CliContext } from './context';
import { addJsonOption } from './output';
import { DEFAULT_TIMEOUT_MS } from './deadlines';
import { positiveNumber } from './option-parsers';

type Register = (program: Command, context: () => CliContext) => void;

/**
 * A module loaded when it is first needed. The commands and their context import the Temporal and
 * Kafka clients, which take most of a second to load: `--version` loads none of them, and a
 * command loads only its own (docs/contracts.md §4: the CLI answers `--version` in under 0.3 s).
 */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  return require(id) as T;
}

/** The commands by name, in the order `--help` lists them. A new command is one more line here. */
const commands: [name: string, register: () => Register][] = [
  ['reactivate', () => load<typeof import('./commands/reactivate')>('./commands/reactivate').registerReactivate],
  ['status', () => load<typeof import('./commands/status')>('./commands/status').registerStatus],
  ['replay', () => load<typeof import('./commands/replay')>('./commands/replay').registerReplay],
  ['dlq', () => load<typeof import('./commands/dlq')>('./commands/dlq').registerDlq],
  ['config', () => load<typeof import('./commands/config-check')>('./commands/config-check').registerConfigCheck],
  ['simulate', () => load<typeof import('./commands/simulate')>('./commands/simulate').registerSimulate],
  ['reconcile', () => load<typeof import('./commands/reconcile')>('./commands/reconcile').registerReconcile],
  ['deployment', () => load<typeof import('./commands/deployment')>('./commands/deployment').registerDeployment],
];

/** The global options that take a value: the word after them is not a command. */
const VALUE_OPTIONS = new Set(['--config', '--timeout']);

/** The command argv names (its first operand), if any. */
function commandOf(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * The commands this run registers: the one argv names; none for a bare `--version`; all of them
 * otherwise — the full `--help`, and an unknown command, for which commander suggests a known one.
 */
function commandsFor(argv: readonly string[]): (() => Register)[] {
  const name = commandOf(argv);
  const named = commands.filter(([command]) => command === name);
  if (named.length > 0) return named.map(([, register]) => register);
  if (name === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  return commands.map(([, register]) => register);
}

const ENVIRONMENT = `
Environment:
  CONFIG_PATH           project config file, when --config is not given
  TEMPORAL_ADDRESS      Temporal frontend host:port (default 127.0.0.1:7233)
  TEMPORAL_NAMESPACE    Temporal namespace (default "default")
  KAFKA_BROKERS         comma-separated host:port list (default 127.0.0.1:9092)
  CALL_EVENTS_TOPIC     the call-events topic (default ringostat.call-events; dead letters in <topic>.dlq)
  BRIDGE_SECRET_KEY     base64 32-byte key(s), comma-separated, sealing webhook secrets; the same in every process
  WORKER_DEPLOYMENT_NAME  the workers' Worker Deployment, for \`deployment\` (default ringostat-bridge)
  LOG_LEVEL             log level on stderr (default warn; debug shows the libraries' logs too, as --verbose)

Exit codes: 0 done; 1 error (bad input, refused, unreachable, no answer within --timeout);
  2 done in part; 3 (status) a project is broken or Temporal/Kafka cannot be reached;
  4 (reconcile) Ringostat's call log looked shifted in time (check ringostat.timeZone).
`;

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `ringostat-bridge` — the operator's CLI (docs/contracts.md §4). Each command lives in cli/commands/
 * and gets a lazily opened context; every failure ends in main() with one message and its code.
 */
export function buildCli(
  env: Readonly<Record<string, string | undefined>>, argv: readonly string[] = process.argv,
): { program: Command; close: () => Promise<void>; explain: (err: unknown) => unknown } {
  const program = new Command('ringostat-bridge')
    .description('Ringostat → Bitrix24 call bridge: operate integrations, replay events and dead letters, check config')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--config <file>', 'project config file (JSON or YAML); default $CONFIG_PATH')
    .option('--timeout <seconds>', 'how long any one wait for Temporal, Kafka or Ringostat may take', positiveNumber, DEFAULT_TIMEOUT_MS / 1000)
    .option('--verbose', 'debug logs on stderr, the libraries\' (kafkajs) included')
    .addHelpText('afterAll', ENVIRONMENT)
    .showHelpAfterError('(add --help for usage)')
    // Commander's own errors (unknown option, missing argument) come to main() as exceptions too.
    .exitOverride();
  let context: CliContext | undefined;
  const getContext = () => {
    const global = program.opts<{ config?: string; timeout: number; verbose?: boolean }>();
    return (context ??= load<typeof import('./context')>('./context').createCliContext({
      configPath: global.config, env, timeoutMs: global.timeout * 1000, verbose: global.verbose,
    }));
  };
  for (const register of commandsFor(argv)) register()(program, getContext);
  addJsonOption(program);
  return { program, close: async () => context?.close(), explain: (err: unknown) => context?.explain(err) ?? err };
}

/** The CliError class, once a command has thrown one (only commands do: ./context is loaded by then). */
const cliErrorClass = () => load<typeof import('./context')>('./context').CliError;

function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError || err instanceof cliErrorClass()) return err.exitCode;
  return 1;
}

/** The entry point: the only place the CLI reads its environment. */
export async function main(argv = process.argv, env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  const { program, close, explain } = buildCli(env, argv);
  quietWarnings(argv, env);
  const json = argv.includes('--json');
  // `… | head` closes stdout early: that is the reader's choice, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    await program.parseAsync(argv);
  } catch (thrown) {
    const err = explain(thrown);
    process.exitCode = exitCodeOf(err);
    // --help and --version end here too, with code 0 and their text already printed.
    if (process.exitCode === 0) return;
    const message = err instanceof Error ? err.message : String(err);
    // Commander printed its own message on stderr already.
    if (!(err instanceof CommanderError)) process.stderr.write(`error: ${message}\n`);
    if (json) {
      const details = err instanceof cliErrorClass() ? err.details : {};
      process.stdout.write(`${JSON.stringify({ error: message.replace(/^error: /, ''), exitCode: process.exitCode, ...details }, null, 2)}\n`);
    }
  } finally {
    await close();
    // The command is over. A library that still holds a socket or a timer (a gRPC channel
    // reconnecting, a kafkajs retry) must not keep the process alive: the output is written.
    setTimeout(() => process.exit(), LINGER_MS).unref();
  }
}

const LINGER_MS = 500;

/**
 * Node prints process warnings on stderr; kafkajs triggers one on Node 24 (a negative timeout in
 * its request queue) that says nothing to an operator. They go to the log at debug level instead.
 */
function quietWarnings(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): void {
  if (env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace' || argv.includes('--verbose')) return;
  process.removeAllListeners('warning');
  process.on('warning', () => undefined);
}

if (require.main === module) void main();
