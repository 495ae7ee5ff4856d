/**
 * Command line of `npm run bench`: which targets to run and how big. --quick shrinks every
 * benchmark so that a developer on the shared 2-core box gets figures in a few minutes
 * without starving colleagues' test runs; full sizes follow docs/requirements.md §8.
 */
/**
 * Parts of P8 run alone, not in the default list: `p8-backlog` (its backlog-behind-live figure) and
 * `p8-outage` (issue 15's table: a 3-day outage through the CLI, 3k/15k/75k calls).
 */
export const targetIds = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p8-backlog', 'p8-outage'] as const;
const PARTS_RUN_ALONE: readonly string[] = ['p8-backlog', 'p8-outage'];
export type TargetId = (typeof targetIds)[number];

export interface BenchArgs {
  only: TargetId[];
  quick: boolean;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  let only: TargetId[] = targetIds.filter((id) => !PARTS_RUN_ALONE.includes(id));
  let quick = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      if (!list) throw new Error('--only needs a list, e.g. --only p1,p3');
      only = list.split(',').map((id) => id.trim().toLowerCase()).filter(Boolean).map((id) => {
        if (!(targetIds as readonly string[]).includes(id)) throw new Error(`unknown target "${id}" (known: ${targetIds.join(', ')})`);
        return id as TargetId;
      });
    } else if (arg === '--help' || arg === '-h') {
      throw new Error('usage: npm run bench -- [--quick] [--only p1,p2,p3,p4,p5,p6,p7,p8]');
    } else throw new Error(`unknown argument "${arg}" (try --help)`);
  }
  return { only, quick };
}

/** The exact command that reruns one target the way this run did. */
export function reproduceCommand(target: TargetId, quick: boolean): string {
  return `npm run bench -- --only ${target}${quick ? ' --quick' : ''}`;
}
