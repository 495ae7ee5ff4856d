import type { Command } from 'commander';
import { BitrixError } from '../../bitrix/errors';
import { createBitrixClient } from '../../bitrix/client';
import { checkWebhook } from '../../bitrix/users';
import { parseWebhookUrl } from '../../bitrix/webhook-url';
import { signalReactivated } from '../../lib/integration-actor';
import { releaseParkedCalls } from '../../lib/parked-calls';
import { resendProjectEvents } from '../../lib/resend-events';
import { resendWindowStart } from '../../lib/resend-window';
import { CliError, type CliContext } from '../context';
import { createProgress } from '../progress';

interface ReactivateOptions {
  project: string;
  webhookUrl: string;
  resend: boolean;
}

/**
 * T2–T5: check the new webhook against the portal, store it for the workers, wake the parked
 * calls and resend the last 3 days from Kafka — or, with --no-resend, close parked calls as
 * skipped. The old state is untouched when the portal refuses the webhook.
 */
export function registerReactivate(program: Command, context: () => CliContext): void {
  program
    .command('reactivate')
    .description('reactivate a broken integration with a new Bitrix24 webhook and resend the last 3 days')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--webhook-url <url>', 'new incoming webhook https://{portal}/rest/{user_id}/{secret}/; "-" reads it from stdin (keeps the secret out of the process list and shell history)')
    .option('--no-resend', 'do not resend: close parked calls as skipped (T4)')
    .action(async (options: ReactivateOptions) => {
      const ctx = context();
      const project = await ctx.project(options.project);
      const resend = options.resend === false ? false : project.resendOnReactivation;

      const webhookUrl = options.webhookUrl === '-' ? (await readStdin()).trim() : options.webhookUrl;
      let webhook;
      try {
        webhook = parseWebhookUrl(webhookUrl);
      } catch (err) {
        throw new CliError(`--webhook-url: ${(err as Error).message}`);
      }
      try {
        await checkWebhook(createBitrixClient({ webhook, rateLimit: project.bitrix24.rateLimit }));
      } catch (err) {
        const reason = err instanceof BitrixError ? `${err.code || 'error'}: ${err.description || err.message}` : (err as Error).message;
        throw new CliError(`the portal refused the new webhook (${reason}); nothing was changed`);
      }

      const stored = await ctx.credentials.activate(project.id, webhookUrl);
      const temporal = await ctx.temporal();
      await signalReactivated(temporal, project.id, { credentialsVersion: stored.version, resend });
      process.stdout.write(`${project.id}: webhook accepted (credentials version ${stored.version})\n`);

      if (!resend) {
        const skipped = await releaseParkedCalls(temporal, project.id, { skip: { reason: 'reactivated without resend' } });
        process.stdout.write(`parked calls closed as skipped: ${skipped.released}\n`);
        return;
      }

      const resumed = await releaseParkedCalls(temporal, project.id, { resume: { credentialsVersion: stored.version } });
      const since = resendWindowStart(new Date(), project.timeZone);
      process.stdout.write(`parked calls resumed: ${resumed.released}; resending events since ${since.toISOString()} (${project.timeZone})\n`);
      const progress = createProgress('resend');
      const summary = await resendProjectEvents({
        kafka: ctx.kafka(), temporal, config: await ctx.config(), projectId: project.id, topic: ctx.topic, since,
        onProgress: ({ read, total }) => progress.update(read, total),
      });
      progress.stop();
      process.stdout.write(
        `summary: calls ${summary.calls}, resent ${summary.resent}, already done ${summary.alreadyDone}, ` +
        `skipped ${summary.skipped}, failed ${summary.failed} (events read ${summary.events}, parked resumed ${resumed.released})\n`,
      );
      for (const failure of summary.failures.slice(0, 10)) process.stdout.write(`  failed: ${failure}\n`);
      if (summary.failed > 0) process.exitCode = 2;
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
