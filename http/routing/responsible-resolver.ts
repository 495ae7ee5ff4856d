import type { BitrixClient } from '../../bitrix/client';
import { lookupByPhone } from '../../bitrix/crm-lookup';
import { BitrixRateLimitedError, BitrixTokenInvalidError } from '../../bitrix/errors';
import { normalizePhone } from '../../platform/phone-number';
import { classifyClient } from '../../decisions/client-state';
import type { Logger } from '../../platform/logger';
import type { BridgeConfig, Employee, EntityKind, ProjectConfig } from '../../schemas/project-config';

/**
 * Smart forwarding (F1–F3): who is responsible for this caller? Ringostat asks while the call
 * rings, so the answer must be fast and must never fail (F2): a warm cache answers without
 * Bitrix24 (P5); a cold lookup is awaited at most `deadlineMs` and otherwise answered "none",
 * while the lookup goes on in the background to warm the cache for the next ring. Every
 * failure — timeout, rate limit, broken token, anything — is "none", so Ringostat simply
 * continues its forwarding scheme.
 */

export type RoutingResult =
  | 'matched' // an employee is responsible
  | 'not-found' // no open lead / open deal / contact holds the number
  | 'not-routed' // the client's entity is of a kind routing.order leaves out
  | 'owner-not-employee' // F3: the owner is linked to no employee
  | 'owner-inactive' // F3: the owner is deactivated in Bitrix24
  | 'invalid-phone'
  | 'unknown-project'
  | 'integration-broken' // the credential store says broken (T1): Bitrix24 is not asked
  | 'token-invalid' // Bitrix24 refused the webhook just now
  | 'rate-limited'
  | 'timeout'
  | 'error';

/** The employee as the routing answer shows it (docs/contracts.md §5). */
export interface RoutingEmployee {
  code: string;
  extension: string | null;
  sip: string[];
  phones: string[];
  bitrix24UserId: number;
}

export interface ResponsibleAnswer {
  result: RoutingResult;
  employee: RoutingEmployee | null;
  /** What Ringostat dials: the employee's SIP login, else their number in international format. */
  destination: string | null;
  /** The CRM entity whose owner decided the answer. */
  matched?: { entity: EntityKind; id: number };
  /** Answered from the cache, without asking Bitrix24. */
  cached: boolean;
}

export interface ResponsibleResolver {
  resolve(projectId: string, phone: string): Promise<ResponsibleAnswer>;
  /** Forgets cached answers and states (of one project, or all): e.g. after a reactivation. */
  invalidate(projectId?: string): void;
}

export interface ResolverClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: ResolverClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ResponsibleResolverOptions {
  config: BridgeConfig;
  /**
   * A project's Bitrix24 client: integration/bitrix-sessions' createBitrixSessions(...) (which
   * rejects with BitrixTokenInvalidError when the integration is marked broken) or any
   * `clientFor(project)` returning the client itself.
   */
  sessions: (project: ProjectConfig) => Promise<{ client: BitrixClient } | BitrixClient>;
  /** The credential store's view (T1): 'broken' answers none at once, without Bitrix24. */
  integrationStatus?: (projectId: string) => Promise<'active' | 'broken'>;
  /** Longest a cold answer waits for Bitrix24 (F2). Default 1500. */
  deadlineMs?: number;
  /** How long an answer is reused (F2 "stay correct when the CRM changes"). Default 60 000. */
  cacheTtlMs?: number;
  /** How long a user's ACTIVE flag is reused (F3). Default 10 minutes. */
  userCacheTtlMs?: number;
  /** How long the integration status is reused: a file read per ring would cost the warm path. Default 1000. */
  statusTtlMs?: number;
  /** After Bitrix24 refused the webhook, answer none without asking it for this long (no retry storm). Default 30 000. */
  tokenBackoffMs?: number;
  /** Bound on cached numbers (memory). Default 50 000. */
  maxEntries?: number;
  clock?: ResolverClock;
  logger?: Logger;
}

interface Outcome {
  answer: Omit<ResponsibleAnswer, 'cached'>;
  /** Answers about the CRM are reused; failures are not. */
  cacheable: boolean;
}

const TIMEOUT = Symbol('timeout');

function none(result: RoutingResult, matched?: { entity: EntityKind; id: number }): Omit<ResponsibleAnswer, 'cached'> {
  return matched ? { result, employee: null, destination: null, matched } : { result, employee: null, destination: null };
}

/**
 * The public employee, numbers in E.164 so Ringostat gets international numbers. The config
 * refuses a phone that does not normalise; one that slipped past (a config built in code) is left
 * out rather than handed to Ringostat as written.
 */
export function routingEmployee(employee: Employee, defaultCountry: string): RoutingEmployee {
  return {
    code: employee.code,
    extension: employee.extension ?? null,
    sip: [...employee.sip],
    phones: employee.phones.flatMap((p) => normalizePhone(p, defaultCountry) ?? []),
    bitrix24UserId: employee.bitrix24UserId,
  };
}

/** F1: Ringostat's "webhook forwarding number" reads back a SIP login or an international number. */
export function destinationOf(employee: RoutingEmployee): string | null {
  return employee.sip[0] ?? employee.phones[0] ?? null;
}

/** ACTIVE is a boolean in user.get, but older portals say 'Y' / '1'. */
function isActiveFlag(value: unknown): boolean {
  return value === true || value === 'Y' || value === '1' || value === 1 || value === 'true';
}

export function createResponsibleResolver(options: ResponsibleResolverOptions): ResponsibleResolver {
  const clock = options.clock ?? systemClock;
  const deadlineMs = options.deadlineMs ?? 1500;
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const userCacheTtlMs = options.userCacheTtlMs ?? 10 * 60_000;
  const statusTtlMs = options.statusTtlMs ?? 1000;
  const tokenBackoffMs = options.tokenBackoffMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const log = options.logger?.child({ component: 'responsible-resolver' });
  const projects = new Map(options.config.projects.map((p) => [p.id, p]));

  const answers = new Map<string, { outcome: Outcome; storedAt: number }>();
  const inflight = new Map<string, Promise<Outcome>>();
  const users = new Map<string, { active: boolean; at: number }>();
  const statuses = new Map<string, { broken: boolean; at: number }>();
  const statusReads = new Map<string, Promise<boolean>>();
  const refusedUntil = new Map<string, number>();

  function remember(key: string, outcome: Outcome): void {
    answers.delete(key); // re-insert at the end: Map order is the eviction order
    answers.set(key, { outcome, storedAt: clock.now() });
    while (answers.size > maxEntries) {
      const oldest = answers.keys().next().value;
      if (oldest === undefined) break;
      answers.delete(oldest);
    }
  }

  /** Resolves with TIMEOUT after `ms` unless `work` settles first; the timer never outlives the race. */
  async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
    if (ms <= 0) return TIMEOUT;
    let handle: unknown;
    const timer = new Promise<typeof TIMEOUT>((resolve) => { handle = clock.setTimeout(() => resolve(TIMEOUT), ms); });
    try {
      return await Promise.race([work, timer]);
    } finally {
      clock.clearTimeout(handle);
    }
  }

  function readStatus(projectId: string): Promise<boolean> {
    let pending = statusReads.get(projectId);
    if (!pending) {
      const read = options.integrationStatus;
      pending = (read ? read(projectId) : Promise.resolve('active' as const))
        .then((status) => status === 'broken')
        .catch((err: unknown) => {
          // The store is only a shortcut: Bitrix24 itself will say if the token is bad.
          log?.warn({ projectId, err }, 'integration status unreadable; treated as active');
          return false;
        })
        .then((broken) => {
          statuses.set(projectId, { broken, at: clock.now() });
          statusReads.delete(projectId);
          return broken;
        });
      statusReads.set(projectId, pending);
    }
    return pending;
  }

  async function userActive(project: ProjectConfig, client: BitrixClient, userId: number): Promise<boolean> {
    const key = `${project.id}|${userId}`;
    const known = users.get(key);
    if (known && clock.now() - known.at < userCacheTtlMs) return known.active;
    const rows = await client.call<unknown>('user.get', { FILTER: { ID: userId } });
    const row = Array.isArray(rows) ? (rows as Array<Record<string, unknown>>).find((r) => Number(r.ID) === userId) : undefined;
    // A user the portal no longer lists (deleted) is as unreachable as a deactivated one.
    const active = row !== undefined && isActiveFlag(row.ACTIVE);
    users.set(key, { active, at: clock.now() });
    return active;
  }

  async function lookup(project: ProjectConfig, e164: string): Promise<Outcome> {
    try {
      const session = await options.sessions(project);
      const client = 'batch' in session ? session : session.client;
      const crm = await lookupByPhone(client, e164, project.defaultCountry);
      // The same "client's entity" the call workflows use, so routing and tasks agree on R.
      const state = classifyClient(crm, project.routing.order);
      if (state.kind === 'new') return { answer: none('not-found'), cacheable: true };
      const entity = state.kind === 'open' ? state.entity : { type: 'contact' as const, ...state.contact };
      const matched = { entity: entity.type, id: entity.id };
      if (!project.routing.order.includes(entity.type)) return { answer: none('not-routed', matched), cacheable: true };
      const employee = project.employees.find((e) => e.bitrix24UserId === entity.ownerId);
      if (!employee) return { answer: none('owner-not-employee', matched), cacheable: true };
      if (!(await userActive(project, client, entity.ownerId))) return { answer: none('owner-inactive', matched), cacheable: true };
      const shown = routingEmployee(employee, project.defaultCountry);
      return { answer: { result: 'matched', employee: shown, destination: destinationOf(shown), matched }, cacheable: true };
    } catch (err) {
      if (err instanceof BitrixTokenInvalidError) {
        // Do not ask again for a while: every ring would otherwise hit the refusing portal.
        refusedUntil.set(project.id, clock.now() + tokenBackoffMs);
        return { answer: none(err.code === 'INTEGRATION_BROKEN' ? 'integration-broken' : 'token-invalid'), cacheable: false };
      }
      if (err instanceof BitrixRateLimitedError) return { answer: none('rate-limited'), cacheable: false };
      log?.warn({ projectId: project.id, err }, 'responsible lookup failed; answering none');
      return { answer: none('error'), cacheable: false };
    }
  }

  /** One lookup per number at a time; its result lands in the cache whoever is still waiting. */
  function refresh(project: ProjectConfig, e164: string, key: string): Promise<Outcome> {
    let pending = inflight.get(key);
    if (!pending) {
      pending = lookup(project, e164).then((outcome) => {
        inflight.delete(key);
        if (outcome.cacheable) remember(key, outcome);
        return outcome;
      });
      inflight.set(key, pending);
    }
    return pending;
  }

  async function resolve(projectId: string, phone: string): Promise<ResponsibleAnswer> {
    const started = clock.now();
    const project = projects.get(projectId);
    if (!project) return { ...none('unknown-project'), cached: false };
    const e164 = normalizePhone(phone, project.defaultCountry);
    if (!e164) return { ...none('invalid-phone'), cached: false };

    if ((refusedUntil.get(projectId) ?? 0) > started) return { ...none('token-invalid'), cached: true };
    const status = statuses.get(projectId);
    let broken = status && started - status.at < statusTtlMs ? status.broken : undefined;
    if (broken === undefined) {
      const read = await withDeadline(readStatus(projectId), deadlineMs - (clock.now() - started));
      if (read === TIMEOUT) return { ...none('timeout'), cached: false };
      broken = read;
    }
    if (broken) return { ...none('integration-broken'), cached: true };

    const key = `${projectId}|${e164}`;
    const hit = answers.get(key);
    if (hit && started - hit.storedAt < cacheTtlMs) {
      // Refresh-ahead: a number that keeps calling stays warm and follows CRM changes.
      if (started - hit.storedAt >= cacheTtlMs / 2) void refresh(project, e164, key);
      return { ...hit.outcome.answer, cached: true };
    }
    const outcome = await withDeadline(refresh(project, e164, key), deadlineMs - (clock.now() - started));
    if (outcome === TIMEOUT) return { ...none('timeout'), cached: false };
    return { ...outcome.answer, cached: false };
  }

  function invalidate(projectId?: string): void {
    const prefix = projectId === undefined ? '' : `${projectId}|`;
    for (const map of [answers, users] as Array<Map<string, unknown>>) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
    }
    for (const map of [statuses, refusedUntil] as Array<Map<string, unknown>>) {
      if (projectId === undefined) map.clear();
      else map.delete(projectId);
    }
  }

  return { resolve, invalidate };
}
