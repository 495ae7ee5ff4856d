import { randomInt } from 'node:crypto';
import type { CallEvent } from '../../schemas/call-event';
import { callEvents, type CallSpec } from '../testkit/call-events';
import type { Sandbox } from '../sandbox';

/**
 * The common calls whose cost P7 prints, each on a project (and portal) of its own so that
 * one call's lock or actor is never another's. Events are sent as they arrive live: the
 * opening ones (ringing, answered) first, call.ended after the talk.
 */
export interface CostCall {
  /** Column of the P7 table. */
  column: string;
  description: string;
  /** Parks on a revoked webhook, then the project is reactivated. */
  parks?: boolean;
  /** Seeds the portal as the scenario needs; the call's events. */
  prepare(sandbox: Sandbox, projectId: string): CallEvent[];
}

/** Bitrix24 user of employee 101 (tools/testkit/bridge-harness.ts), who answers or dials. */
const EMPLOYEE_101_USER = 7;

const freshNumber = (): string => `+38050${String(randomInt(10_000_000)).padStart(7, '0')}`;
const seedOpenLead = (sandbox: Sandbox, projectId: string, number: string): void => {
  sandbox.admin.seed(projectId, 'lead', {
    TITLE: 'Web form request', PHONE: [{ VALUE: number, VALUE_TYPE: 'WORK' }], ASSIGNED_BY_ID: EMPLOYEE_101_USER, STATUS_ID: 'NEW',
  });
};
const events = (projectId: string, spec: Omit<CallSpec, 'projectId'>): CallEvent[] => callEvents({ projectId, talkSeconds: 30, ...spec });

export const costCalls: readonly CostCall[] = [
  {
    column: 'S1', description: 'S1: incoming from a new number, answered by 101 → lead at answer, completed task',
    prepare: (_sandbox, projectId) => events(projectId, { clientNumber: freshNumber(), employee: { staffId: '101' } }),
  },
  {
    column: 'S2', description: 'S2: incoming from a number with an open lead of 101, answered by 101 → completed task on the lead',
    prepare: (sandbox, projectId) => {
      const number = freshNumber();
      seedOpenLead(sandbox, projectId, number);
      return events(projectId, { clientNumber: number, employee: { staffId: '101' } });
    },
  },
  {
    column: 'S4', description: 'S4: incoming from a new number, missed (ringing, ended) → lead + call-back task on the senior manager',
    prepare: (_sandbox, projectId) => events(projectId, { clientNumber: freshNumber(), disposition: 'no_answer' }),
  },
  {
    column: 'S5', description: 'S5: outgoing by 101 to a number with an open lead, answered → completed task on the lead',
    prepare: (sandbox, projectId) => {
      const number = freshNumber();
      seedOpenLead(sandbox, projectId, number);
      return events(projectId, { clientNumber: number, direction: 'outgoing', employee: { staffId: '101' } });
    },
  },
  {
    column: 'parked', parks: true,
    description: 'parked: S1 while the webhook is revoked → parks; reactivated with a new webhook (resumes + 3-day resend) → written',
    prepare: (_sandbox, projectId) => events(projectId, { clientNumber: freshNumber(), employee: { staffId: '101' } }),
  },
];
