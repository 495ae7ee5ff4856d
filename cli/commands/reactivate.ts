import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Command } from 'commander';
import { parseWebhookUrl } from '../../bitrix/webhook-url';
import { reactivationUpdateId, readIntegrationState, requestReactivation } from '../../integration/integration-client';
import { readIntegrationStatus } from '../../integration/resend-progress';
import { isQueryNotReady } from '../../platform/temporal-errors';
import type { IntegrationState, ResendRun } from '../../schemas/workflow-io';
import { CliError, type CliContext } from '../context';
import { isTemporalDeadline, seconds } from '../deadlines';
import { printResult } from '../output';
import { createProgress } from '../progress';

interface ReactivateOptions {
  project: string;
  webhookUrl: string;
  resend: boolean;
  json?: boolean;
}

/** How often the CLI looks at the resend it watches. */
const WATCH_EVERY_MS = 500;
/** How long the watching bears a query with no answer (each one bounded by --timeout) before it gives up. */
const WATCH_PATIENCE_MS = 60_000;

/**
 * T2–T5: the new webhook, sealed here with BRIDGE_SECRET_KEY, goes to the project's integration
 * workflow as an update. A worker checks it against the portal; a refusal comes back with the
 * portal's reason and changes nothing. Accepted, every worker uses it from then on, and the
 * bridge itself wakes the parked calls and resends the last 3 days (or, --no-resend, closes them
 * as skipped). The CLI only watches that work: Ctrl-C stops the watching, not the resend.
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
      try {
        parseWebhookUrl(webhookUrl);
      } catch (err) {
        throw new CliError(`--webhook-url: ${(err as Error).message}`);
      }
      const secrets = await ctx.secrets();
      const temporal = await ctx.temporal();
      const state = await readIntegrationState(temporal, project.id);
      if (!state) {
        throw new CliError(`project ${project.id} has no integration workflow yet: start a bridge worker with this config first`);
      }

      // Made on the version just read: a change applied meanwhile by another operator or process wins, and this one says so.
      const basedOn = state.credentialsVersion;
      const updateId = reactivationUpdateId(secrets, project.id, { basedOn, source: 'cli', resend, webhookUrl });
      let reply;
      try {
        reply = await requestReactivation(temporal, project.id, { webhook: secrets.seal(webhookUrl), resend, source: 'cli', basedOn }, updateId);
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const reason = err.cause?.message ?? err.message;
          throw new CliError(/changed nothing/.test(reason) ? reason : `${reason}; nothing was changed`);
        }
        // The update waits for a worker to check the webhook against Bitrix24 (user.get).
        if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
          throw new CliError(`no bridge worker answered within ${seconds(ctx.timeoutMs)} (--timeout): the webhook was not checked against Bitrix24 and may not be in use yet; see status, or run again`);
        }
        throw err;
      }
      if (!options.json) process.stdout.write(`${project.id}: webhook accepted by ${reply.portal ?? 'the portal'} (credentials version ${reply.credentialsVersion})\n`);

      const run = await watchResend(ctx, project.id, reply.credentialsVersion, Boolean(options.json));
      printResult(options.json, { projectId: project.id, portal: reply.portal, ...run }, () => summaryLines(run));
      if (run.failed > 0 || run.failures.length > 0) process.exitCode = 2;
    });
}

/** Follows the integration workflow's resend for `version` until it finished, with a progress bar. */
async function watchResend(ctx: CliContext, projectId: string, version: number, quiet: boolean): Promise<ResendRun> {
  const temporal = await ctx.temporal();
  const progress = quiet ? undefined : createProgress('resend');
  let announced = false;
  // Ctrl-C ends the watching only: the resend is the integration workflow's, and goes on.
  process.once('SIGINT', () => {
    progress?.stop();
    process.stderr.write(`\nstopped watching; the resend goes on in the bridge — see it with: ringostat-bridge status --project ${projectId}\n`);
    process.exit(130);
  });
  let unanswered: number | undefined;
  for (;;) {
    let state: IntegrationState;
    try {
      state = (await readIntegrationStatus(temporal, projectId)) as IntegrationState;
      unanswered = undefined;
    } catch (err) {
      // A worker that died or restarts leaves the integration's query unanswered for a while, and
      // a workflow task being retried (a continue-as-new meeting new signals) has the server turn
      // it away; the resend goes on in the bridge. Keep watching for WATCH_PATIENCE_MS, then say how to follow it.
      if (!isTemporalDeadline(err) && !isQueryNotReady(err)) throw err;
      unanswered ??= Date.now();
      if (Date.now() - unanswered > WATCH_PATIENCE_MS) {
        progress?.stop();
        throw new CliError(`the integration workflow gave no answer for ${seconds(WATCH_PATIENCE_MS)}: is a bridge worker running? The resend goes on in the bridge; follow it with: ringostat-bridge status --project ${projectId}`);
      }
      await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
      continue;
    }
    const finished = state.lastResend?.credentialsVersion === version ? state.lastResend : undefined;
    const running = state.resend?.credentialsVersion === version ? state.resend : undefined;
    const current = finished ?? running;
    if (current && !announced && !quiet) {
      process.stdout.write(current.resend
        ? `resending events since ${current.since} (the bridge does it; Ctrl-C stops watching, not the resend)\n`
        : 'closing parked calls as skipped\n');
      announced = true;
    }
    if (running?.resend && running.total > 0) progress?.update(running.read, running.total);
    if (finished) {
      if (finished.resend) progress?.update(finished.read, finished.total);
      progress?.stop();
      return finished;
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
  }
}

function summaryLines(run: ResendRun): string {
  if (!run.resend) return `parked calls closed as skipped: ${run.parkedSkipped}\n`;
  return [
    `parked calls resumed: ${run.parkedResumed}`,
    `summary: calls ${run.calls}, resent ${run.resent}, already done ${run.alreadyDone}, in progress ${run.inProgress ?? 0}, skipped ${run.skipped}, failed ${run.failed} (events read ${run.read} since ${run.since})`,
    ...run.failures.slice(0, 10).map((f) => `  failed: ${f}`),
    '',
  ].join('\n');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
