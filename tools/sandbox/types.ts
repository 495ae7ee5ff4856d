/**
 * Public shapes of the Bitrix24 sandbox. Other modules (the bridge's client, tests, benchmarks,
 * the demo) code against these names, so they change only compatibly.
 */

/** A stored record, in Bitrix24 field names (UPPERCASE), as the admin API hands it out. */
export type Rec = Record<string, unknown>;

export interface RateLimitConfig {
  enabled: boolean;
  /** Leaky-bucket drain per second (Bitrix24: 2, Enterprise 5). */
  perSecond: number;
  /** Bucket size: a request that would push the counter above it is refused (50 / 250). */
  burst: number;
}

export interface SandboxUser {
  id: number;
  name: string;
  lastName?: string;
  email?: string;
  active?: boolean;
  /** Internal phone number, exposed as UF_PHONE_INNER. */
  extension?: string;
  /** Portal administrator (profile.ADMIN). Defaults to true for user 1 only. */
  admin?: boolean;
}

export interface PortalSpec {
  id: string;
  users: SandboxUser[];
  rateLimit?: RateLimitConfig;
  /** Extra deal pipelines; pipeline 0 "General" always exists. */
  dealCategories?: Array<{ id: number; name: string }>;
  /** Offset of the portal's time zone, used in every date it prints. Default +180 (UTC+3). */
  utcOffsetMinutes?: number;
}

export interface FaultRule {
  /** Method the rule applies to (a batch matches if any of its commands calls it); absent = all. */
  method?: string;
  /** Added before the request is executed. */
  latencyMs?: number;
  /** Share of requests answered 500 INTERNAL_SERVER_ERROR without executing. */
  errorRate?: number;
  /** Share of requests never answered (socket held until the client gives up). */
  timeoutRate?: number;
  /** Share of requests answered 503 QUERY_LIMIT_EXCEEDED without executing. */
  rateLimitRate?: number;
  /**
   * Extension: share of requests that ARE executed (state changes) but whose response is never
   * sent — the ambiguous timeout an idempotent client must survive.
   */
  lostResponseRate?: number;
}

export interface RequestLogEntry {
  portalId: string;
  method: string;
  at: number;
  status: number;
  /** 1, or the number of commands a batch carried. */
  commands: number;
  error?: string;
}

export interface PortalState {
  leads: Rec[];
  contacts: Rec[];
  deals: Rec[];
  tasks: Rec[];
  users: Rec[];
  /** Leads, contacts and deals ever added by crm.*.add (alone or in a batch), deleted ones included; seeds not counted. */
  createdEver: { lead: number; contact: number; deal: number };
}

export type SeedEntity = 'lead' | 'contact' | 'deal';

export interface SandboxAdmin {
  createPortal(p: PortalSpec): void;
  createWebhook(portalId: string, userId: number, secret?: string): string;
  revokeWebhook(webhookUrl: string): void;
  setUserActive(portalId: string, userId: number, active: boolean): void;
  deletePortal(portalId: string): void;
  seed(portalId: string, entity: SeedEntity, fields: Record<string, unknown>): number;
  setFaults(portalId: string, faults: FaultRule[]): void;
  setRandomSeed(seed: number): void;
  /** Extension: change a portal's limiter, or (no portalId) the default of portals without their own. */
  setRateLimit(config: RateLimitConfig, portalId?: string): void;
  state(portalId: string): PortalState;
  requestLog(portalId?: string): RequestLogEntry[];
  reset(): void;
}

export interface Sandbox {
  baseUrl: string;
  admin: SandboxAdmin;
  stop(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  host?: string;
  rateLimit?: RateLimitConfig;
  /** pino level of the sandbox's own logs; default `SANDBOX_LOG_LEVEL` or "warn". */
  logLevel?: string;
}
