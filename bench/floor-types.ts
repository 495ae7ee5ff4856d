/**
 * The platform floor's activities (P1 baseline, P2 floor). Shared by the floor workflow (as a
 * type only, so its bundle stays free of I/O) and the floor worker.
 */
export const FLOOR_TASK_QUEUE = 'bench-floor';

export interface FloorActivities {
  /** No-op: stands for loadProjectSettings. */
  settings(projectId: string): Promise<void>;
  /** Signal-with-start of the per-number lock workflow, as requestClientLock does. */
  requestLock(input: { projectId: string; e164: string; holder: string }): Promise<void>;
  /** Signal to the lock workflow, as releaseClientLock does. */
  releaseLock(input: { projectId: string; e164: string; holder: string }): Promise<void>;
  /** No-op: stands for lookupClient. */
  lookup(projectId: string): Promise<void>;
  /** No-op: stands for createEntities. */
  createEntities(projectId: string): Promise<void>;
  /** No-op that stamps the call as done: stands for createTasks, the call's last write. */
  createTasks(input: { projectId: string; callId: string }): Promise<void>;
}
