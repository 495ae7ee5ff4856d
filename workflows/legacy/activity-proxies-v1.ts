// Frozen (version 1): the code of workflows started before version 2. Running ones replay on it,
// so it must not change; new calls run workflows/call-workflow.ts. See docs/upgrades.md.
import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE, type LegacyCallActivities as BridgeActivities } from '../contract';


/**
 * Bitrix24 work: transient faults and rate limits retry with backoff (R3) for up to a day;
 * the activity itself honours Bitrix24's retry-after on rate limits.
 */
export const crm = proxyActivities<BridgeActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: NON_RETRYABLE },
});

/** Local bookkeeping (settings, locks, counters): quick, retried on any fault. */
export const local = proxyActivities<BridgeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});
