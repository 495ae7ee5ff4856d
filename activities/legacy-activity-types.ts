import type { CrmBindings, CrmLookup, FillEmptyPlan, NewEntitiesPlan, TaskPlan } from '../schemas/crm-plan';
import type { ProjectSettings, StepFailure } from '../schemas/workflow-io';

/**
 * The activities of the version-1 call workflow (workflows/legacy/), kept so that calls started
 * before version 2 — parked for days — finish on a new worker. Workflows import this type only, so
 * workflow bundles stay free of I/O.
 */
export interface LegacyCallActivities {
  /** The project's settings without secrets; ProjectUnknown when the config has no such project. */
  loadProjectSettings(projectId: string): Promise<ProjectSettings>;
  /** Asks the per-number lock workflow for the lock (signal-with-start); the grant arrives as a signal. */
  requestClientLock(input: { projectId: string; e164: string; holder: string }): Promise<void>;
  releaseClientLock(input: { projectId: string; e164: string; holder: string }): Promise<void>;
  /** Leads, deals and contacts Bitrix24 holds for the number, searched in every stored variant (B1). */
  lookupClient(input: { projectId: string; e164: string }): Promise<CrmLookup>;
  /** Creates the planned contact / lead / deal, each at most once per call (markers, R1). */
  createEntities(input: { projectId: string; callId: string; plan: NewEntitiesPlan }): Promise<CrmBindings>;
  /** Fills fields that are empty on entities someone else created (S8). */
  fillEmptyFields(input: { projectId: string; fills: FillEmptyPlan[] }): Promise<StepFailure[]>;
  /** Creates the call's tasks, each at most once; a bad request fails that task only. */
  createTasks(input: { projectId: string; callId: string; tasks: TaskPlan[] }): Promise<{ taskIds: Record<string, number>; failures: StepFailure[] }>;
  /** Next position of the project's missed-call round robin (S4.2). */
  nextRoundRobin(input: { projectId: string; size: number }): Promise<number>;
  /** Current credentials of the project: a parked call resumes once they are active and newer. */
  credentialsStatus(input: { projectId: string }): Promise<{ version: number; status: 'active' | 'broken' }>;
}
