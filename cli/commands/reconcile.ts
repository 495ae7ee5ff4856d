import type { Command } from 'commander';
import { createRingostatClient } from '../../ringostat/api-client';
import { RingostatApiError } from '../../ringostat/api-errors';
import { callEventPublisher } from '../../ringostat/event-publisher';
import { reconcileCalls } from '../../ringostat/reconcile-calls';
import { RECONCILE_SETTLE_MS } from '../../ringostat/reconcile-schedules';
import { ringostatTimeZone } from '../../schemas/project-config';
import type { ReconcileSummary } from '../../schemas/reconcile';
import { CliError, type CliContext } from '../context';
import { printResult } from '../output';
import { createProgress } from '../progress';
import { parseSince } from '../since-date';

/** docs/contracts.md §4: done, but the call log looked shifted in time (Ringostat's time zone). */
const EXIT_CLOCK_SKEW = 4;

function summaryLine(summary: ReconcileSummary): string {
  return `summary: calls in Ringostat's log ${summary.listed}, recovered ${summary.recovered}, unfinished resent ${summary.unfinished}, ` +
    `already done ${summary.alreadyDone}, skipped ${summary.skipped}, failed ${summary.failed}\n`;
}

/**
 * `reconcile` (B7, docs/contracts.md §4): the scheduled reconciliation, on demand, for any period — e.g.
 * after an outage longer than the schedule's look-back. Idempotent: a call published twice is
 * written once. Exit 1 when Ringostat refuses or cannot be reached; 2 when some calls failed.
 */
export function registerReconcile(program: Command, context: () => CliContext): void {
  program
    .command('reconcile')
    .description('read Ringostat\'s call log for a period and publish the calls the bridge never saw or never finished (B7); exit 2 when some calls failed')
    .requiredOption('--project <id>', 'project id (its config needs a ringostat block)')
    .requiredOption('--since <date>', 'e.g. 2026-11-20 or 2026-11-20T08:00 (in the project\'s time zone), or 2026-11-20T08:00:00+02:00')
    .option('--until <date>', 'end of the period (default: a minute ago, leaving webhooks in flight alone)')
    .action(async (options: { project: string; since: string; until?: string; json?: boolean }) => {
      const ctx = context();
      const project = await ctx.project(options.project);
      if (!project.ringostat) throw new CliError(`project "${project.id}" has no ringostat block (apiKey, projectId) in the config`);
      const since = parseSince(options.since, project.timeZone);
      const until = options.until ? parseSince(options.until, project.timeZone, '--until') : new Date(Date.now() - RECONCILE_SETTLE_MS);
      if (since >= until) throw new CliError('--since must be before --until');
      const temporal = await ctx.temporal();
      const producer = (await ctx.reachableKafka()).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const reading = createProgress('reading the call log (seconds of the period)');
      let checking: ReturnType<typeof createProgress> | undefined;
      let summary: ReconcileSummary;
      try {
        summary = await reconcileCalls(
          {
            client: createRingostatClient({ settings: project.ringostat, timeZone: ringostatTimeZone(project), timeoutMs: ctx.timeoutMs }),
            temporal, project, publish: callEventPublisher(producer, ctx.topic), logger: ctx.logger,
          },
          { from: since, to: until },
          {
            onProgress: ({ readMs, totalMs }) => reading.update(Math.round(readMs / 1000), Math.round(totalMs / 1000)),
            onChecked: (checked, total) => (checking ??= createProgress('checking calls')).update(checked, total),
          },
        );
      } catch (err) {
        if (err instanceof RingostatApiError) throw new CliError(err.message);
        throw err;
      } finally {
        reading.stop();
        checking?.stop();
        await producer.disconnect();
      }
      printResult(options.json, { ...summary, timeZone: project.timeZone, ringostatTimeZone: ringostatTimeZone(project) }, () =>
        `reconciled ${project.id} from ${summary.from} to ${summary.to}\n${summaryLine(summary)}` +
        (summary.publishedCallIds.length > 0 ? `  published: ${summary.publishedCallIds.join(', ')}\n` : '') +
        (summary.clockSkew ? `  warning: ${summary.clockSkew.detail}\n` : ''));
      if (summary.failed > 0) process.exitCode = 2;
      // reconcileCalls logged the warning (stderr); a script sees the code, --json the clockSkew field.
      else if (summary.clockSkew) process.exitCode = EXIT_CLOCK_SKEW;
    });
}
