import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { callStartSummary } from '../decisions';
import type { CallEventEnvelope, CallWorkflowInput } from '../schemas/workflow-io';
import { callWorkflowV2 } from '../workflows';
import {
  BACKLOG_PRIORITY, CallIdKey, callEventSignal, CallPhaseKey, callWorkflowId, ClientNumberKey, ProjectIdKey, TASK_QUEUE,
} from '../workflows/contract';

export type Delivery = 'delivered' | 'already-done';

/** Where events go; the benchmarks' platform floor sends them to a no-op twin of the call workflow. */
export interface DeliveryTarget {
  /** The workflow function started for a new call (its name is the workflow type). */
  workflow: (input: CallWorkflowInput) => Promise<unknown>;
  taskQueue: string;
  workflowId(projectId: string, callId: string): string;
}

/** New calls run version 2; a running version-1 call (started before the upgrade) just gets the signal. */
export const callWorkflowTarget: DeliveryTarget = { workflow: callWorkflowV2, taskQueue: TASK_QUEUE, workflowId: callWorkflowId };

/**
 * Hands one event to its call's actor: starts `call:{projectId}:{callId}` or signals the
 * running one. A call that already completed is not started again (its events are replays);
 * one that failed or was terminated may be, and the CRM markers keep that from doubling (R1).
 */
export async function deliverToCallWorkflow(
  temporal: Client, envelope: CallEventEnvelope, target: DeliveryTarget = callWorkflowTarget, options: { backlog?: boolean } = {},
): Promise<Delivery> {
  const { event, clientE164 } = envelope;
  try {
    await temporal.workflow.signalWithStart(target.workflow, {
      workflowId: target.workflowId(event.projectId, event.callId),
      taskQueue: target.taskQueue,
      // How long the call may go without news is the worker's setting, not the deliverer's.
      args: [{ projectId: event.projectId, callId: event.callId }],
      signal: callEventSignal,
      signalArgs: [envelope],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      // A call the resend starts is backlog: its tasks queue behind live calls (issue 15).
      ...(options.backlog ? { priority: BACKLOG_PRIORITY } : {}),
      // The UI's one line for the call until the workflow describes it further (B4).
      staticSummary: callStartSummary(event),
      typedSearchAttributes: [
        { key: ProjectIdKey, value: event.projectId },
        { key: CallIdKey, value: event.callId },
        { key: ClientNumberKey, value: clientE164 },
        { key: CallPhaseKey, value: 'ringing' },
      ],
    });
    return 'delivered';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-done';
    throw err;
  }
}
