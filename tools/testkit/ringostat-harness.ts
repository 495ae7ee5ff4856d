/**
 * Ringostat pieces for the B7 / B9 integration tests: stand-in projects, a worker for the
 * reconcile workflow with the Ringostat activities, and a CRM snapshot that two portals can
 * be compared by (ids differ between portals; phones, owners, fields and tasks must not).
 */
import { randomInt } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kafka, Producer } from 'kafkajs';
import { createRingostatActivities } from '../../activities/ringostat-activities';
import type { Logger } from '../../platform/logger';
import type { PortalState, Rec } from '../sandbox';
import type { RingostatStandIn } from '../sandbox/ringostat';
import type { BridgeConfig } from '../../schemas/project-config';
import { workflowBundle } from '../../workers/temporal-worker';
import { bindingsOf, digits, phonesOf } from './crm-assert';
import { toolWorkerTuning } from './worker-tuning';

export interface StandInProjectBlock {
  apiKey: string;
  projectId: string;
  baseUrl: string;
  reconcileEvery?: string;
  timeZone?: string;
}

/**
 * A fresh stand-in project and the config `ringostat:` block that opens it. The account runs on
 * Kyiv's clock unless `account` names another zone, which the block states (`ringostat.timeZone`)
 * only when `configured`.
 */
export function standInProject(standIn: RingostatStandIn, reconcileEvery?: string, account?: { timeZone: string; configured: boolean }): StandInProjectBlock {
  const projectId = String(randomInt(100_000, 999_999_999));
  const apiKey = `rs-test-key-${projectId}`;
  standIn.admin.createProject({ projectId, apiKey, timeZone: account?.timeZone ?? 'Europe/Kyiv' });
  return {
    apiKey, projectId, baseUrl: standIn.baseUrl, ...(reconcileEvery ? { reconcileEvery } : {}),
    ...(account?.configured ? { timeZone: account.timeZone } : {}),
  };
}

export interface ReconcileWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/** The reconcile workflow and the Ringostat activities on a task queue of their own. */
export async function startReconcileWorker(options: {
  temporalAddress: string; temporal: Client; kafka: Kafka; config: BridgeConfig; topic: string; logger: Logger; taskQueue: string;
}): Promise<ReconcileWorker> {
  const producer: Producer = options.kafka.producer();
  await producer.connect();
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const worker = await Worker.create({
    connection, taskQueue: options.taskQueue, workflowBundle: await workflowBundle(toolWorkerTuning().workflowBundlePath),
    activities: createRingostatActivities({ config: options.config, temporal: options.temporal, producer, topic: options.topic, logger: options.logger }),
  });
  const running = worker.run();
  return {
    taskQueue: options.taskQueue,
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await producer.disconnect();
    },
  };
}

const last9 = (value: unknown) => digits(value).slice(-9);
const FIELDS = ['TITLE', 'ASSIGNED_BY_ID', 'SOURCE_ID', 'SOURCE_DESCRIPTION', 'STATUS_ID', 'CATEGORY_ID',
  'UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM'];

/**
 * A portal's CRM as comparable text: entities by their phones, tasks by call and key with their
 * bindings as phones. COMMENTS and descriptions are left out: they carry the gclid, which
 * Ringostat's call log does not (docs/ringostat-standin.md).
 */
export function crmShape(state: PortalState): Record<string, string[]> {
  const refs = new Map<string, string>();
  const entity = (prefix: string, record: Rec, phones: string) => {
    refs.set(`${prefix}_${String(record.ID)}`, `${prefix}:${phones}`);
    return JSON.stringify([phones, ...FIELDS.map((field) => String(record[field] ?? ''))]);
  };
  const phones = (record: Rec) => phonesOf(record).map(last9).sort().join(',');
  const contactPhones = new Map(state.contacts.map((c) => [String(c.ID), phones(c)]));
  const leads = state.leads.map((lead) => entity('L', lead, phones(lead)));
  const contacts = state.contacts.map((contact) => entity('C', contact, phones(contact)));
  const deals = state.deals.map((deal) => entity('D', deal, contactPhones.get(String(deal.CONTACT_ID)) ?? '?'));
  const tasks = state.tasks.map((task) => JSON.stringify([
    String(task.XML_ID ?? '').split(':').slice(-2).join(':'), String(task.TITLE), Number(task.RESPONSIBLE_ID), String(task.STATUS),
    bindingsOf(task).map((code) => refs.get(code) ?? code).sort(),
  ]));
  return { leads: leads.sort(), contacts: contacts.sort(), deals: deals.sort(), tasks: tasks.sort() };
}
