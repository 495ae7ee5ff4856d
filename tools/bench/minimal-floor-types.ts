/**
 * The minimal floor's task queue and its one activity, shared by its workflow (as a type only,
 * so the bundle stays free of I/O), its worker and its dispatcher (which starts the workflow by
 * its function, minimal-floor-workflow.ts).
 */
export const MINIMAL_FLOOR_TASK_QUEUE = 'bench-minimal-floor';

export interface MinimalFloorActivities {
  /** The no-op the call does when it ends; the floor's worker only notes the moment (no I/O). */
  callEnded(input: { projectId: string; callId: string }): Promise<void>;
}
