// Frozen (version 1): the code of workflows started before version 2. Running ones replay on it,
// so it must not change; new calls run workflows/call-workflow.ts. See docs/upgrades.md.
import {
  condition, continueAsNew, getExternalWorkflowHandle, setHandler, workflowInfo, log,
} from '@temporalio/workflow';
import { acquireClientLockSignal, clientLockGrantedSignal, releaseClientLockSignal } from '../contract';

/** A holder that neither releases nor answers loses the lock after this (a crashed or terminated call). */
const LEASE = '10 minutes';
/** The lock's workflow closes when nobody asked for it this long; the next call starts it again. */
const IDLE = '2 minutes';

/**
 * B2: calls from one number resolve the client one at a time, so two concurrent calls from a
 * new number give one contact and one lead. Holders are granted in arrival order (FIFO).
 */
export async function clientLockWorkflow(queued: string[] = []): Promise<void> {
  const queue = [...queued];
  let holder: string | undefined;

  setHandler(acquireClientLockSignal, ({ holder: who }) => {
    if (who !== holder && !queue.includes(who)) queue.push(who);
  });
  setHandler(releaseClientLockSignal, ({ holder: who }) => {
    if (who === holder) holder = undefined;
    const waiting = queue.indexOf(who);
    if (waiting >= 0) queue.splice(waiting, 1);
  });

  for (;;) {
    if (!(await condition(() => queue.length > 0, IDLE))) return;
    holder = queue.shift() as string;
    const workflowId = holder.split('#')[0] as string;
    try {
      await getExternalWorkflowHandle(workflowId).signal(clientLockGrantedSignal, { lockId: holder });
    } catch (err) {
      log.warn('lock holder is gone; granting the next one', { holder, error: String(err) });
      holder = undefined;
      continue;
    }
    if (!(await condition(() => holder === undefined, LEASE))) {
      log.warn('lock lease expired', { holder });
      holder = undefined;
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof clientLockWorkflow>(queue);
  }
}
