import { Argument, type Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config-loader';
import { configJsonSchema, eventJsonSchema } from '../../config/json-schema-export';
import { CliError, type CliContext } from '../context';
import { printResult } from '../output';

/**
 * `config check [FILE]`: validate a config without touching any server (R6), printing every
 * problem with the field it is about, one per line, so an operator fixes them in one pass.
 * `config schema [config|event]`: the contracts as JSON Schema for producers and editors.
 */
export function registerConfigCheck(program: Command, context: () => CliContext): void {
  const config = program.command('config').description('validate the project config, print JSON Schemas');

  config
    .command('check')
    .description('validate a config file (JSON or YAML); exit code 1 and one line per problem when invalid')
    .argument('[file]', 'config file; default --config or $CONFIG_PATH')
    .action(async (file: string | undefined, options: { json?: boolean }) => {
      const ctx = context();
      const path = file ?? ctx.configPath;
      if (!path) throw new CliError('no config: give FILE, --config FILE or set CONFIG_PATH');
      try {
        const { projects } = await loadConfig(path, ctx.configEnv);
        const ids = projects.map((p) => p.id);
        printResult(options.json, { file: path, valid: true, projects: ids }, () =>
          `OK: ${projects.length} project${projects.length === 1 ? '' : 's'} (${ids.join(', ')})\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        // With --json the issues travel in the error object on stdout; without, one per line on stderr.
        if (!options.json) for (const issue of err.issues) process.stderr.write(`${issue}\n`);
        const problems = `${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}`;
        throw new CliError(`${path} is invalid (${problems})`, 1, { file: path, valid: false, issues: err.issues });
      }
    });

  config
    .command('schema')
    .description('print the JSON Schema of the project config (default) or of a call event')
    // A positional, not --config: the program's own --config <file> would swallow that flag.
    .addArgument(new Argument('[kind]', 'which schema').choices(['config', 'event']).default('config'))
    .option('--event', 'same as "config schema event"')
    // The schema is JSON already: --json (added to every command) changes nothing here.
    .action((kind: 'config' | 'event', options: { event?: boolean }) => {
      const schema = options.event || kind === 'event' ? eventJsonSchema() : configJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
