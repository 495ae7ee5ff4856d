import { Context } from '@temporalio/activity';

/** A quick activity sends no heartbeat at all; one that runs longer (a rate-limit queue) sends one this often. */
const QUIET_MS = 3_000;

/**
 * Runs `work` and heartbeats only once it has run for a few seconds, so a worker killed
 * mid-request is noticed within the heartbeat timeout while the common, quick activity costs no
 * heartbeat (each one is a billable action on Temporal Cloud).
 */
export async function heartbeatWhileSlow<T>(work: () => Promise<T>): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return work(); // outside an activity (unit tests)
  }
  const timer = setInterval(() => context?.heartbeat(), QUIET_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
