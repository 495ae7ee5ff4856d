import type { Command } from 'commander';
import { resendProjectEvents } from '../../lib/resend-events';
import { CliError, type CliContext } from '../context';
import { createProgress } from '../progress';

/** Re-reads a project's events from Kafka since a time and hands them to their calls again (idempotent). */
export function registerReplay(program: Command, context: () => CliContext): void {
  program
    .command('replay')
    .description('re-read a project\'s events from Kafka since a time (idempotent: nothing is written twice)')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--since <iso-date>', 'ISO date or date-time, e.g. 2026-11-20 or 2026-11-20T08:00:00+02:00')
    .action(async (options: { project: string; since: string }) => {
      const ctx = context();
      const since = new Date(options.since);
      if (Number.isNaN(since.getTime())) throw new CliError(`--since: "${options.since}" is not an ISO date`);
      const project = await ctx.project(options.project);
      const progress = createProgress('replay');
      const summary = await resendProjectEvents({
        kafka: ctx.kafka(), temporal: await ctx.temporal(), config: await ctx.config(), projectId: project.id, topic: ctx.topic, since,
        onProgress: ({ read, total }) => progress.update(read, total),
      });
      progress.stop();
      process.stdout.write(
        `summary: calls ${summary.calls}, resent ${summary.resent}, already done ${summary.alreadyDone}, ` +
        `skipped ${summary.skipped}, failed ${summary.failed} (events read ${summary.events})\n`,
      );
      if (summary.failed > 0) process.exitCode = 2;
    });
}
