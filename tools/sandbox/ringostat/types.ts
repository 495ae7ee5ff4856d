/**
 * Public shapes of the Ringostat stand-in (B7, B9 tests and the demo): projects with their
 * Auth-key, the call log, the Smart Phone contact book, an outage switch and a request log.
 */
import type { SmartPhoneContact } from '../../../schemas/contact-card';
import type { WrittenCallLogRow } from '../../../ringostat/call-log-row';

/** A call-log row in Ringostat's field names; `uniqueid` and `calldate` are required. */
export type CallLogRow = WrittenCallLogRow;

export interface StandInProject {
  /** The `x-project-id`, Ringostat's numeric project id. */
  projectId: string;
  /** The `Auth-key` that opens this project. */
  apiKey: string;
  /** The account's zone: `calldate`, `from` and `to` are wall-clock times in it. Default Europe/Kyiv. */
  timeZone?: string;
}

export interface StandInRequest {
  at: number;
  method: string;
  path: string;
  projectId?: string;
  status: number;
  /** The error word of a refused request (`auth`, `rate-limited`, `down`, …). */
  error?: string;
  /** Rows returned (`/calls/list`) or contacts received (sync). */
  count?: number;
}

export interface StandInAdmin {
  createProject(project: StandInProject): void;
  /** Adds or replaces calls of the log (by `uniqueid`). */
  registerCalls(projectId: string, rows: CallLogRow[]): void;
  calls(projectId: string): CallLogRow[];
  /** The contact book by `externalId`, with how many times each contact was synced. */
  contacts(projectId: string): Array<SmartPhoneContact & { syncCount: number }>;
  /** Every request answers 503 until `ms` from now (0 ends an outage). */
  goDown(ms: number): void;
  requests(projectId?: string): StandInRequest[];
  reset(): void;
}

export interface StandInOptions {
  port?: number;
  host?: string;
  /** Rows per `/calls/list` answer; Ringostat's is 6,500 (lower it to test window splitting). */
  maxRows?: number;
  /** Contacts per sync request (Ringostat's own limit is not published). */
  maxContactsPerSync?: number;
  /** Requests per second per Auth-key, and the burst; over it: 429 with Retry-After. */
  rateLimit?: { perSecond: number; burst: number };
}

export interface RingostatStandIn {
  baseUrl: string;
  admin: StandInAdmin;
  stop(): Promise<void>;
}
