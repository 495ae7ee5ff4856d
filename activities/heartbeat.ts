import { activityContext } from './activity-context';

/** A quick activity sends no heartbeat at all; one that runs longer (a rate-limit queue) sends one this often. */
const QUIET_MS = 3_000;

/**
 * Runs `work` and heartbeats only once it has run for a few seconds, so a worker killed
 * mid-request is noticed within the heartbeat timeout while the common, quick activity costs no
 * heartbeat (each one is a billable action on Temporal Cloud).
 */
export async function heartbeatWhileSlow<T>(work: () => Promise<T>): Promise<T> {
  const context = activityContext();
  // Outside an activity (unit tests), or a local one: those cannot heartbeat (their workflow task does).
  if (!context || context.info.isLocal) return work();
  const timer = setInterval(() => context?.heartbeat(), QUIET_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
