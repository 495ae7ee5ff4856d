/**
 * One emulated Bitrix24 portal: its users, pipelines, CRM records, tasks, the duplicate index,
 * and its own rate-limit bucket and faults. Records are kept in their printed form (string
 * values, Bitrix24 field names) so that state() shows exactly what get/list would return.
 */
import type { CrmEntity } from './crm-fields';
import { multiValues } from './multifield';
import { normalizeEmail, normalizePhone } from './phone';
import { LeakyBucket } from './rate-limiter';
import type { FaultRule, PortalSpec, RateLimitConfig, Rec, SandboxUser } from './types';

export interface PortalUser extends SandboxUser {
  active: boolean;
  registeredAt: number;
}

export interface Category {
  id: number;
  name: string;
  sort: number;
}

type Counter = CrmEntity | 'task' | 'multifield' | 'statusRow';

export class Portal {
  readonly id: string;
  readonly offsetMin: number;
  readonly createdAt = Date.now();
  readonly users = new Map<number, PortalUser>();
  readonly categories: Category[];
  readonly records: Record<CrmEntity, Map<number, Rec>> = { lead: new Map(), contact: new Map(), deal: new Map() };
  readonly tasks = new Map<number, Rec>();
  readonly bucket = new LeakyBucket();
  rateLimit?: RateLimitConfig;
  faults: FaultRule[] = [];
  deleted = false;
  /**
   * Entities ever added through the REST API, by type, deletions notwithstanding (seed() does not
   * count): a test of B2 asserts nothing was created beyond what is left, not only what is left.
   */
  readonly createdEver: Record<CrmEntity, number> = { lead: 0, contact: 0, deal: 0 };

  private readonly counters: Record<Counter, number> = { lead: 0, contact: 0, deal: 0, task: 0, multifield: 0, statusRow: 0 };
  /** match code → "lead:5" keys; the reverse map lets a rewrite drop stale codes. */
  private readonly dupIndex = new Map<string, Set<string>>();
  private readonly dupCodes = new Map<string, string[]>();

  constructor(spec: PortalSpec) {
    this.id = spec.id;
    this.offsetMin = spec.utcOffsetMinutes ?? 180;
    this.rateLimit = spec.rateLimit;
    for (const user of spec.users) {
      this.users.set(user.id, { ...user, active: user.active ?? true, registeredAt: this.createdAt });
    }
    const custom = (spec.dealCategories ?? []).filter((c) => c.id !== 0);
    this.categories = [
      ...custom.map((c, i) => ({ id: c.id, name: c.name, sort: (i + 1) * 100 })),
      { id: 0, name: 'General', sort: (custom.length + 1) * 100 },
    ];
  }

  nextId(counter: Counter): number {
    this.counters[counter] += 1;
    return this.counters[counter];
  }

  /** Keeps id sequences ahead of ids that seed() was told to use. */
  bumpId(counter: Counter, id: number): void {
    this.counters[counter] = Math.max(this.counters[counter], id);
  }

  hasCategory(id: number): boolean {
    return this.categories.some((c) => c.id === id);
  }

  /** Re-indexes a lead's or contact's phones and e-mails after every write (deals have none). */
  reindex(entity: CrmEntity, record: Rec): void {
    const key = `${entity}:${String(record.ID)}`;
    for (const code of this.dupCodes.get(key) ?? []) this.dupIndex.get(code)?.delete(key);
    const codes = [
      ...multiValues(record, 'PHONE').map((v) => `PHONE:${normalizePhone(v)}`),
      ...multiValues(record, 'EMAIL').map((v) => `EMAIL:${normalizeEmail(v)}`),
    ].filter((code) => !code.endsWith(':'));
    this.dupCodes.set(key, codes);
    for (const code of codes) {
      let keys = this.dupIndex.get(code);
      if (!keys) this.dupIndex.set(code, (keys = new Set()));
      keys.add(key);
    }
  }

  /** Drops a deleted entity from the duplicate index. */
  unindex(entity: CrmEntity, record: Rec): void {
    const key = `${entity}:${String(record.ID)}`;
    for (const code of this.dupCodes.get(key) ?? []) this.dupIndex.get(code)?.delete(key);
    this.dupCodes.delete(key);
  }

  /** Entities whose stored communication has this match code, as "entity:id" keys. */
  findByCode(code: string): string[] {
    return [...(this.dupIndex.get(code) ?? [])];
  }
}
