import type {
  CheckWebhookInput, CompleteCallInput, CompletedCall, ReleaseParkedInput, ResendInput, ResendResult,
  ResolveClientInput, ResolvedClient, TriedCreations, WebhookChecked,
} from '../../schemas/activity-io';
import type { CrmBindings, CrmLookup, FillEmptyPlan, NewEntitiesPlan, TaskPlan } from '../../schemas/crm-plan';
import type { ReconcileSummary } from '../../schemas/reconcile';
import type { ProjectSettings, StepFailure } from '../../schemas/workflow-io';

/**
 * The activities the workflows call, as interfaces: workflows proxy them by these types only (so
 * workflow bundles stay free of I/O), and activities/ implements them.
 */

/** What a call workflow learns from its worker: the project's settings without secrets, and the worker's own call settings. */
export type CallSettings = ProjectSettings & {
  /** How long a call with no new event stays open (CALL_IDLE_TIMEOUT_MS on the worker); absent: the workflow's 2 h. */
  callIdleTimeoutMs?: number;
  /** How long a call may stay parked before it closes as `parked-too-long` (PARKED_CALL_LIMIT_MS on the worker); absent: 7 days. */
  parkedCallLimitMs?: number;
};

/**
 * The activities of the version-2 call workflow. Two of them touch Bitrix24 — one when the
 * client is resolved, one when the call is written up — so a call costs at most two activities,
 * where the minimal design has one; a call that has ended by its creation moment asks the first
 * to do both (`andComplete`), and costs one. The rest run as local activities (no server round trip). A call
 * that creates the client adds one more, `createClient`, run as a local activity by its number's
 * client-creation shard (B2).
 */
export interface CallActivities {
  /** Local: the project's settings without secrets, and the worker's call settings; ProjectUnknown when the config has no such project. */
  loadProjectSettings(projectId: string): Promise<CallSettings>;
  /** Local: the credentials version and state a parked call checks now and then (T1). */
  credentialsStatus(input: { projectId: string }): Promise<{ version: number; status: 'active' | 'broken' }>;
  /** Local: M for a missed call whose records need it after the client was resolved earlier (S4.2). */
  drawMissedAssignee(input: { projectId: string; callId: string }): Promise<number | undefined>;
  /**
   * Looks the number up and fills empty fields (S8); when the decision table asks for something
   * to be created, hands the call to its number's client-creation shard and returns what that
   * decided (B2): see activities/client-resolution.ts. Asked `andComplete` (a call that had
   * ended by its creation moment, issue 16), it then draws the round robin when due and does
   * completeCall's work too, answering with `completed`: one activity a call instead of two.
   * Each part is idempotent (markers, R1; the draw's update id is the call's). When the draw or
   * the tasks fail, it answers without `completed` and the call draws and runs completeCall
   * itself, so the resolution is not redone on every retry.
   */
  resolveClient(input: ResolveClientInput): Promise<ResolvedClient>;
  /**
   * Run by the client-creation shards only, one call at a time per number: looks the number up
   * again, creates what is still due (each entity once: markers, R1) and fills empty fields.
   */
  createClient(input: ResolveClientInput): Promise<ResolvedClient>;
  /**
   * A shard's local try of the creations it holds, side by side in one local activity (issue 16):
   * each as createClient with `quickTry`, each answer its own (TriedCreations), never failing as a
   * whole, so the shard's next commands follow one resolution — the same live and on replay.
   */
  tryCreations(inputs: ResolveClientInput[]): Promise<TriedCreations>;
  /** Writes the call's tasks (each once) and hands the client's card to Ringostat's contact book (B9). */
  completeCall(input: CompleteCallInput): Promise<CompletedCall>;

}

/** The activities of the integration workflow (T2–T5): run on any worker, state kept in Temporal (R7). */
export interface IntegrationActivities {
  /** `user.get` with the new webhook; a refusal fails with WebhookRefused and the portal's reason (M3). */
  checkWebhook(input: CheckWebhookInput): Promise<WebhookChecked>;
  /** Wakes (resend) or closes as skipped (no resend, T4) every parked call of the project. */
  releaseParkedCalls(input: ReleaseParkedInput): Promise<{ released: number; gone: number }>;
  /** Re-reads the project's last 3 days from Kafka and redelivers them (T3); heartbeats its offsets. */
  resendEvents(input: ResendInput): Promise<ResendResult>;
}

/**
 * The activities of the version-1 call workflow (workflows/legacy/), kept so that calls started
 * before version 2 — parked for days — finish on a new worker.
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

/**
 * Ringostat's activities (B7). The API key stays in the worker: the workflow passes only the
 * project id and the window (R4).
 */
export interface RingostatActivities {
  /** Reads Ringostat's call log for [from, to] and publishes the calls the bridge never saw or never finished. */
  reconcileCallLog(input: { projectId: string; from: string; to: string }): Promise<ReconcileSummary>;
}
