import type { CallEvent } from '../schemas/call-event';
import type { ProjectConfig } from '../schemas/project-config';
import type { CallPhase, CallResult } from '../schemas/workflow-io';
import { findEmployee } from './line-binding';

/**
 * The one line an operator reads in the Temporal UI for a call (B4): direction, number, who
 * answered, phase or outcome, and the CRM ids it wrote — no secrets, nothing but the call.
 */
export function callSummary(
  events: readonly CallEvent[], phase: CallPhase,
  result: Pick<CallResult, 'outcome' | 'crm' | 'taskIds'> & Partial<Pick<CallResult, 'failures' | 'closedIdleAfterMs'>>,
  project?: Pick<ProjectConfig, 'employees'>,
): string {
  // A step that failed for good says why, where operators look first: step and type (the message, which may quote a
  // portal's answer, stays in the result, which `status` redacts).
  const failure = phase === 'completed' ? result.failures?.[0] : undefined;
  // So does the idle timeout, when it ended the call (no call.ended came).
  const idle = phase === 'completed' && result.closedIdleAfterMs !== undefined
    ? ` — closed after ${idleSpan(result.closedIdleAfterMs)} with no event (no call.ended)` : '';
  const why = `${failure ? ` — ${failure.step} failed: ${failure.type}` : ''}${idle}`;
  const first = events[0];
  if (!first) return `call, ${phase}${phase === 'completed' ? `: ${result.outcome}` : ''}${why}`;
  const answeredBy = [...events].reverse().find((e) => e.employee)?.employee;
  const name = answeredBy && ((project && findEmployee(project, answeredBy)?.name) ?? answeredBy.name ?? answeredBy.extension ?? answeredBy.sip ?? answeredBy.staffId ?? answeredBy.phone);
  const who = name ? ` — ${first.direction === 'outgoing' ? 'by' : 'answered by'} ${name}` : '';
  const head = `${first.direction} call ${first.direction === 'outgoing' ? 'to' : 'from'} ${first.clientNumber}${who}`;
  if (phase !== 'completed') return `${head}: ${phase}`;
  const ids = [
    result.crm.leadId && `lead ${result.crm.leadId}`,
    result.crm.dealId && `deal ${result.crm.dealId}`,
    result.crm.contactId && `contact ${result.crm.contactId}`,
    ...Object.entries(result.taskIds).map(([key, id]) => `${key} task ${id}`),
  ].filter(Boolean);
  return `${head}: ${result.outcome}${ids.length ? ` (${ids.join(', ')})` : ''}${why}`;
}

/** The summary fixed at the call's start (the UI's list shows it before the workflow ran). */
export function callStartSummary(event: Pick<CallEvent, 'direction' | 'clientNumber'>): string {
  return `${event.direction} call ${event.direction === 'outgoing' ? 'to' : 'from'} ${event.clientNumber}`;
}

function idleSpan(ms: number): string {
  if (ms >= 3_600_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return ms >= 60_000 ? `${+(ms / 60_000).toFixed(1)} min` : `${+(ms / 1000).toFixed(1)} s`;
}
