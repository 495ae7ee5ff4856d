import type { ResolvedClient } from '../schemas/activity-io';
import type { CallFacts, ClientState } from '../schemas/crm-plan';
import type { ProjectConfig } from '../schemas/project-config';

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

/**
 * Whether the call draws M itself once it has ended (S4.2): the round robin applies to it and its
 * client resolution drew none — it ran before the call was known missed (createOn `ringing`), or
 * created nothing. Nothing resolved: nothing to draw for.
 */
export function roundRobinDrawDue(
  project: Pick<ProjectConfig, 'employees' | 'scenario'>, resolved: Pick<ResolvedClient, 'client' | 'missedAssigneeId'> | undefined, facts: Pick<CallFacts, 'disposition'>,
): boolean {
  return resolved !== undefined && resolved.missedAssigneeId === undefined && roundRobinApplies(project, resolved.client, facts);
}
