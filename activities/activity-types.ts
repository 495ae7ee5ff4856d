import type {
  CheckWebhookInput, CompleteCallInput, CompletedCall, ReleaseParkedInput, ResendInput, ResendResult,
  ResolveClientInput, ResolvedClient, WebhookChecked,
} from '../schemas/activity-io';
import type { ProjectSettings } from '../schemas/workflow-io';

/**
 * The activities of the version-2 call workflow. Two of them touch Bitrix24 — one when the
 * client is resolved, one when the call is written up — so a call costs two activities on top
 * of the minimal design's one; the rest run as local activities (no server round trip).
 * Workflows import these types only, so workflow bundles stay free of I/O.
 */
export interface CallActivities {
  /** Local: the project's settings without secrets; ProjectUnknown when the config has no such project. */
  loadProjectSettings(projectId: string): Promise<ProjectSettings>;
  /** Local: the credentials version and state a parked call checks now and then (T1). */
  credentialsStatus(input: { projectId: string }): Promise<{ version: number; status: 'active' | 'broken' }>;
  /** Local: M for a missed call whose records need it after the client was resolved earlier (S4.2). */
  drawMissedAssignee(input: { projectId: string; callId: string }): Promise<number | undefined>;
  /**
   * Looks the number up, creates what the decision table asks for (each entity once: markers,
   * R1) and fills empty fields (S8). Concurrent calls from one number converge on one lead and
   * one contact (B2) without a lock: see activities/client-resolution.ts.
   */
  resolveClient(input: ResolveClientInput): Promise<ResolvedClient>;
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
