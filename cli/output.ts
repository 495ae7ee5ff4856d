import type { Command } from 'commander';

/**
 * One way out for every command's result: `--json` prints the value as JSON on stdout (what
 * scripts parse), otherwise the human text. Logs and progress never touch stdout.
 */
export function printResult(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : human());
}

/** Every leaf command takes --json (docs/contracts.md §4), including ones registered later (reconcile). */
export function addJsonOption(command: Command): void {
  for (const sub of command.commands) addJsonOption(sub);
  const isLeaf = command.commands.length === 0 && command.parent !== null;
  if (isLeaf && !command.options.some((option) => option.long === '--json')) {
    command.option('--json', 'machine-readable output on stdout (logs stay on stderr)');
  }
}
