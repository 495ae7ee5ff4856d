/**
 * The minimal floor's task queue and its one activity, shared by its workflow (as a type only,
 * so the bundle stays free of I/O) and its worker.
 */
export const MINIMAL_FLOOR_TASK_QUEUE = 'bench-minimal-floor';
export const MINIMAL_FLOOR_WORKFLOW = 'minimalCallWorkflow';

export interface MinimalFloorActivities {
  /** The no-op the call does when it ends; the floor's worker only notes the moment (no I/O). */
  callEnded(input: { projectId: string; callId: string }): Promise<void>;
}
