import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { IntegrationState } from '../../schemas/workflow-io';
import type { CliContext } from '../context';
import { printResult } from '../output';
import { createKafka } from '../../platform/kafka';
import { judgeKafka, judgeTemporal, type KafkaHealth } from '../../observability/cluster-health';
import { observeKafka, observeTemporal } from '../../observability/cluster-health-probe';
import { pendingContactCards, reconcileStatus, type ReconcileStatus } from '../../ringostat/ringostat-status';
import { callCounts, consumerLag, integrationState, probe, type CallCounts, type Probe } from './status-probes';
import { formatHuman, problemsOf, projectStatus, reportJson, type StatusReport } from './status-report';

/** docs/contracts.md §4: a broken project or an unreachable Temporal/Kafka. */
const EXIT_UNHEALTHY = 3;

async function temporalProbes(temporal: Probe<Client>, projectId: string, timeoutMs: number): Promise<[Probe<IntegrationState | null>, Probe<CallCounts>]> {
  if (!temporal.ok) return [temporal, temporal];
  return Promise.all([
    probe('integration query', timeoutMs, () => integrationState(temporal.value, projectId)),
    probe('visibility', timeoutMs, () => callCounts(temporal.value, projectId)),
  ]);
}

/**
 * E6: the Kafka cluster as the bridge sees it — brokers listed against KAFKA_BROKERS, the
 * controller, and per bridge topic the partitions without leader or under-replicated — judged
 * by the rules /readyz uses (observability/cluster-health.ts). A client of its own without
 * kafkajs's retries (an admin reads metadata with its client's): a partition without leader is
 * an answer, not something to retry for seconds.
 */
async function kafkaClusterHealth(ctx: CliContext): Promise<KafkaHealth> {
  await ctx.reachableKafka();
  const admin = createKafka({
    brokers: [...ctx.kafkaBrokers], clientId: 'ringostat-bridge-cli-health', logger: ctx.logger, timeoutMs: ctx.timeoutMs, quiet: true, retry: { retries: 0 },
  }).admin();
  await admin.connect();
  try {
    return judgeKafka(await observeKafka(admin, ctx.kafkaBrokers, { callEvents: ctx.topic, deadLetters: ctx.dlqTopic, contactCards: ctx.contactCardsTopic }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * `status`: what an operator asks first when calls stop reaching the CRM — is the integration
 * broken and why, how many calls wait, how a resend goes, how far behind the dispatcher is, and
 * what Bitrix24 last said (T1, T5, B4); and (E6) the health of the Kafka and Temporal clusters.
 * Everything comes from Temporal and Kafka (R7).
 */
export function registerStatus(program: Command, context: () => CliContext): void {
  program
    .command('status')
    .description('integration state, parked calls, resend progress, consumer lag and last Bitrix24 errors per project, and the Kafka and Temporal clusters\' health; exit 3 when unhealthy')
    .option('--project <id>', 'only this project')
    .action(async (options: { project?: string; json?: boolean }) => {
      const ctx = context();
      let ringostatCards: Probe<number> | undefined;
      const projects = options.project ? [await ctx.project(options.project)] : (await ctx.config()).projects;
      const timeoutMs = ctx.timeoutMs;
      // Kafka and Temporal are asked at the same time: two silent servers cost one deadline, not two.
      // Whatever a timed-out probe left connecting is closed with the context (cli/context.ts).
      const lagPromise = probe('kafka', timeoutMs, () => consumerLag(() => ctx.reachableKafka(), ctx.topic, ctx.dispatcherGroupId));
      const kafkaClusterPromise = probe('kafka cluster', timeoutMs, () => kafkaClusterHealth(ctx));
      const temporal = await probe('temporal', timeoutMs, () => ctx.temporal());
      const temporalClusterPromise = temporal.ok
        ? probe('temporal cluster', timeoutMs, async () => judgeTemporal(await observeTemporal(temporal.value.connection, timeoutMs, ctx.temporalAddress)))
        : Promise.resolve(temporal);
      const statuses = await Promise.all(projects.map(async (project) => projectStatus(project, ...(await temporalProbes(temporal, project.id, timeoutMs)))));
      const kafka = await lagPromise;
      const cluster = { kafka: await kafkaClusterPromise, temporal: await temporalClusterPromise };
      // B7, B9: only for projects that talk to Ringostat.
      const ringostat = projects.filter((p) => p.ringostat);
      if (ringostat.length > 0) {
        const reconcile: Record<string, Probe<ReconcileStatus | null>> = {};
        if (temporal.ok) {
          for (const p of ringostat) reconcile[p.id] = await probe('reconciliation schedule', timeoutMs, async () => (await reconcileStatus(temporal.value, p.id)) ?? null);
        }
        const cards = kafka.ok ? await probe('contact cards', timeoutMs, async () => pendingContactCards(await ctx.reachableKafka(), { topic: ctx.contactCardsTopic })) : kafka;
        for (const status of statuses) {
          if (reconcile[status.projectId]) status.reconcile = reconcile[status.projectId];
        }
        ringostatCards = cards;
      }
      const now = new Date();
      const report: StatusReport = {
        generatedAt: now.toISOString(), problems: problemsOf(statuses, temporal, kafka, cluster), projects: statuses, kafka, cluster,
        ...(ringostatCards ? { pendingContactCards: ringostatCards } : {}),
      };
      printResult(options.json, reportJson(report), () => formatHuman(report, ctx.topic, now));
      if (report.problems.length > 0) process.exitCode = EXIT_UNHEALTHY;
    });
}
