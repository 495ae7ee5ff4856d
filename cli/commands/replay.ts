import type { Command } from 'commander';
import { resendProjectEvents } from '../../dispatcher/resend-events';
import type { ResendSummary } from '../../schemas/resend';
import type { CliContext } from '../context';
import { printResult } from '../output';
import { createProgress } from '../progress';
import { parseSince } from '../since-date';

/** `summary: calls …` — the line reactivate prints too, so operators read one format. */
export function resendSummaryLine(summary: ResendSummary): string {
  return `summary: calls ${summary.calls}, resent ${summary.resent}, already done ${summary.alreadyDone}, in progress ${summary.inProgress}, ` +
    `skipped ${summary.skipped}, failed ${summary.failed} (events read ${summary.events})\n`;
}

/** Re-reads a project's events from Kafka since a time and hands them to their calls again (idempotent). */
export function registerReplay(program: Command, context: () => CliContext): void {
  program
    .command('replay')
    .description('re-read a project\'s events from Kafka since a time (idempotent: nothing is written twice); exit 2 when some calls failed')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--since <date>', 'e.g. 2026-11-20 or 2026-11-20T08:00 (in the project\'s time zone), or 2026-11-20T08:00:00+02:00')
    .action(async (options: { project: string; since: string; json?: boolean }) => {
      const ctx = context();
      const project = await ctx.project(options.project);
      const since = parseSince(options.since, project.timeZone);
      const temporal = await ctx.temporal();
      const kafka = await ctx.reachableKafka();
      const progress = createProgress('replay');
      const summary = await resendProjectEvents({
        kafka, temporal, config: await ctx.config(), projectId: project.id, topic: ctx.topic, since,
        onProgress: ({ read, total }) => progress.update(read, total),
      });
      progress.stop();
      printResult(options.json, { projectId: project.id, since: since.toISOString(), timeZone: project.timeZone, ...summary }, () =>
        `replayed ${project.id} since ${since.toISOString()} (${options.since} in ${project.timeZone})\n${resendSummaryLine(summary)}`);
      if (summary.failed > 0) process.exitCode = 2;
    });
}
