/**
 * The stand-in's state: projects, their call logs and contact books, the outage clock and the
 * request log. Admin calls are test tools, so misuse (unknown project, row without id) throws.
 */
import type { SmartPhoneContact } from '../../../schemas/contact-card';
import { parseRingostatDate } from '../../../ringostat/dates';
import type { CallLogRow, StandInAdmin, StandInProject, StandInRequest } from './types';

const DEFAULT_TIME_ZONE = 'Europe/Kyiv';
const LOG_LIMIT = 50_000;

export interface ProjectState {
  spec: Required<StandInProject>;
  /** By uniqueid; `at` is calldate as epoch ms (rows are filtered on it). */
  calls: Map<string, { row: CallLogRow; at: number }>;
  contacts: Map<string, SmartPhoneContact & { syncCount: number }>;
}

export class StandInCore implements StandInAdmin {
  readonly projects = new Map<string, ProjectState>();
  private downUntil = 0;
  private log: StandInRequest[] = [];

  project(projectId: string): ProjectState {
    const project = this.projects.get(projectId);
    if (!project) throw new Error(`ringostat stand-in: unknown project "${projectId}"`);
    return project;
  }

  byApiKey(apiKey: string): ProjectState | undefined {
    for (const project of this.projects.values()) if (project.spec.apiKey === apiKey) return project;
    return undefined;
  }

  isDown(now = Date.now()): boolean {
    return now < this.downUntil;
  }

  record(entry: StandInRequest): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  createProject(spec: StandInProject): void {
    if (!/^\d+$/.test(spec.projectId)) throw new Error('projectId must be digits, as Ringostat\'s are');
    if (spec.apiKey.length < 8) throw new Error('apiKey must have 8 characters or more');
    this.projects.set(spec.projectId, { spec: { timeZone: DEFAULT_TIME_ZONE, ...spec }, calls: new Map(), contacts: new Map() });
  }

  registerCalls(projectId: string, rows: CallLogRow[]): void {
    const project = this.project(projectId);
    for (const row of rows) {
      const id = String(row.uniqueid ?? '');
      const at = parseRingostatDate(String(row.calldate ?? ''), project.spec.timeZone);
      if (id === '' || at === undefined) throw new Error('every row needs uniqueid and calldate (YYYY-MM-DD HH:MM:SS)');
      project.calls.set(id, { row: { ...row }, at });
    }
  }

  calls(projectId: string): CallLogRow[] {
    return [...this.project(projectId).calls.values()].sort((a, b) => a.at - b.at).map(({ row }) => ({ ...row }));
  }

  contacts(projectId: string): Array<SmartPhoneContact & { syncCount: number }> {
    return [...this.project(projectId).contacts.values()].map((contact) => structuredClone(contact));
  }

  /** Upserts by externalId, as a contact book keyed by the CRM's id would. */
  syncContacts(projectId: string, contacts: SmartPhoneContact[]): void {
    const book = this.project(projectId).contacts;
    for (const contact of contacts) {
      const syncCount = (book.get(contact.externalId)?.syncCount ?? 0) + 1;
      book.set(contact.externalId, { ...structuredClone(contact), syncCount });
    }
  }

  goDown(ms: number): void {
    this.downUntil = ms > 0 ? Date.now() + ms : 0;
  }

  requests(projectId?: string): StandInRequest[] {
    return this.log.filter((entry) => projectId === undefined || entry.projectId === projectId);
  }

  reset(): void {
    this.projects.clear();
    this.log = [];
    this.downUntil = 0;
  }
}
