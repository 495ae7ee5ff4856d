// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/missed-assignee.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/missed-assignee.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallFacts, ClientState } from '../../../../schemas/crm-plan';
import type { ProjectConfig } from '../../../../schemas/project-config';

type AssigneeProject = Pick<ProjectConfig, 'seniorManager' | 'employees' | 'scenario'>;

/** Bitrix24 user ids of the employees flagged for missed-call distribution, in config order. */
export function missedCallPool(project: Pick<ProjectConfig, 'employees'>): number[] {
  return project.employees.filter((e) => e.missedCallDistribution).map((e) => e.bitrix24UserId);
}

/**
 * M (S4.2, S6.1): the owner of a missed or voicemail call's new entity. With `round-robin`, the
 * flagged employee at `counter` (a position the integration workflow keeps, so calls share one
 * rotation); otherwise — or when nobody is flagged — the senior manager.
 */
export function missedCallAssignee(project: AssigneeProject, counter = 0): number {
  if (project.scenario.missedNewClientAssignee !== 'round-robin') return project.seniorManager;
  const pool = missedCallPool(project);
  if (pool.length === 0) return project.seniorManager;
  const position = Number.isFinite(counter) ? Math.abs(Math.trunc(counter)) % pool.length : 0;
  return pool[position] ?? project.seniorManager;
}

/**
 * The round robin's draw (S4.2): the position that the project's `counter`-th draw takes in a pool
 * of `size` (the integration workflow keeps the counter, so all the project's calls share one
 * rotation). An empty pool draws position 0.
 */
export function roundRobinPosition(counter: number, size: number): number {
  return counter % Math.max(size, 1);
}

/**
 * Whether M must be drawn from the round robin for this call: a missed or voicemail call from a
 * client that was new, in a project that distributes missed calls and has someone to give them to.
 */
export function roundRobinApplies(project: Pick<ProjectConfig, 'employees' | 'scenario'>, client: ClientState, facts: Pick<CallFacts, 'disposition'>): boolean {
  const missed = facts.disposition !== undefined && facts.disposition !== 'answered';
  return project.scenario.missedNewClientAssignee === 'round-robin' && client.kind === 'new' && missed && missedCallPool(project).length > 0;
}
