/**
 * The sandbox's whole state and its admin API: portals, webhooks, request log, fault seed.
 * Admin calls are programming tools for tests, so misuse (unknown portal, bad rate) throws.
 */
import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { createRecord } from './crm-entity';
import { Portal } from './portal';
import { Random } from './random';
import type {
  FaultRule, PortalSpec, PortalState, RateLimitConfig, Rec, RequestLogEntry, SandboxAdmin, SeedEntity,
} from './types';
import { userRecord } from './users';

export interface Webhook {
  portalId: string;
  userId: number;
  secret: string;
  revoked: boolean;
}

const LOG_LIMIT = 200_000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { enabled: true, perSecond: 2, burst: 50 };

function checkRate(name: string, value: number | undefined): void {
  if (value !== undefined && !(value >= 0 && value <= 1)) throw new Error(`${name} must be within 0..1, got ${value}`);
}

export class SandboxCore implements SandboxAdmin {
  baseUrl = '';
  readonly portals = new Map<string, Portal>();
  readonly webhooks = new Map<string, Webhook>();
  readonly random = new Random();
  /** Sockets of requests the sandbox decided never to answer; stop() destroys them. */
  readonly heldSockets = new Set<Socket>();
  private log: RequestLogEntry[] = [];

  constructor(public defaultRateLimit: RateLimitConfig = DEFAULT_RATE_LIMIT) {}

  portal(portalId: string): Portal {
    const portal = this.portals.get(portalId);
    if (!portal) throw new Error(`sandbox: unknown portal "${portalId}"`);
    return portal;
  }

  rateLimitFor(portal: Portal): RateLimitConfig {
    return portal.rateLimit ?? this.defaultRateLimit;
  }

  findWebhook(userId: string, secret: string): Webhook | undefined {
    return this.webhooks.get(`${userId}/${secret}`);
  }

  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  createPortal(spec: PortalSpec): void {
    const existing = this.portals.get(spec.id);
    if (existing && !existing.deleted) throw new Error(`sandbox: portal "${spec.id}" already exists`);
    if (spec.users.length === 0) throw new Error('sandbox: a portal needs at least one user');
    this.portals.set(spec.id, new Portal(spec));
  }

  createWebhook(portalId: string, userId: number, secret?: string): string {
    const portal = this.portal(portalId);
    if (!portal.users.has(userId)) throw new Error(`sandbox: portal "${portalId}" has no user ${userId}`);
    const code = secret ?? Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const key = `${userId}/${code}`;
    const taken = this.webhooks.get(key);
    if (taken && taken.portalId !== portalId) throw new Error(`sandbox: webhook ${userId}/*** belongs to another portal`);
    this.webhooks.set(key, { portalId, userId, secret: code, revoked: false });
    return `${this.baseUrl}/rest/${userId}/${code}/`;
  }

  revokeWebhook(webhookUrl: string): void {
    const match = /\/rest\/(\d+)\/([^/?#]+)/.exec(webhookUrl);
    const hook = match ? this.findWebhook(match[1] as string, match[2] as string) : undefined;
    if (!hook) throw new Error('sandbox: revokeWebhook got a URL the sandbox never issued');
    hook.revoked = true;
  }

  setUserActive(portalId: string, userId: number, active: boolean): void {
    const user = this.portal(portalId).users.get(userId);
    if (!user) throw new Error(`sandbox: portal "${portalId}" has no user ${userId}`);
    user.active = active;
  }

  deletePortal(portalId: string): void {
    this.portal(portalId).deleted = true;
  }

  seed(portalId: string, entity: SeedEntity, fields: Record<string, unknown>): number {
    const portal = this.portal(portalId);
    const firstUser = Math.min(...portal.users.keys());
    return createRecord(entity, { portal, userId: firstUser, now: Date.now() }, fields, 'seed');
  }

  setFaults(portalId: string, faults: FaultRule[]): void {
    for (const rule of faults) {
      for (const name of ['errorRate', 'timeoutRate', 'rateLimitRate', 'lostResponseRate'] as const) checkRate(name, rule[name]);
      if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0)) throw new Error('latencyMs must be >= 0');
    }
    this.portal(portalId).faults = faults.map((rule) => ({ ...rule }));
  }

  setRandomSeed(seed: number): void {
    this.random.reseed(seed);
  }

  setRateLimit(config: RateLimitConfig, portalId?: string): void {
    if (portalId === undefined) this.defaultRateLimit = { ...config };
    else {
      const portal = this.portal(portalId);
      portal.rateLimit = { ...config };
      portal.bucket.reset();
    }
  }

  state(portalId: string): PortalState {
    const portal = this.portal(portalId);
    const copy = (map: Map<number, Rec>): Rec[] => [...map.values()].map((record) => structuredClone(record));
    return {
      leads: copy(portal.records.lead),
      contacts: copy(portal.records.contact),
      deals: copy(portal.records.deal),
      tasks: copy(portal.tasks),
      users: [...portal.users.values()].map((user) => userRecord(portal, user)),
      createdEver: { ...portal.createdEver },
    };
  }

  requestLog(portalId?: string): RequestLogEntry[] {
    return this.log.filter((entry) => portalId === undefined || entry.portalId === portalId).map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.portals.clear();
    this.webhooks.clear();
    this.log = [];
  }
}
