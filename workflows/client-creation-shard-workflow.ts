import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ResolveClientInput, ResolvedClient, TriedCreations } from '../schemas/activity-io';
import type { ClientCreationShardInput } from '../schemas/workflow-io';
import { backlogClientCreation, clientCreation, clientCreationTry, liveClientCreation } from './activity-proxies';
import { createClientUpdate, FailureType } from './contract';

/**
 * Creations a run takes before it continues as new, unless the worker that started the run said
 * otherwise (CREATION_SHARD_ROTATE_AFTER, in the run's input). Each leaves about six events (the
 * update's acceptance and completion, the creation's marker, a share of a workflow task), so a run
 * stays near 3,000 events, under the server's suggestion to continue (4 Ki events) and far under
 * its limit of 2,000 updates a run. Creations admitted in the same task as the last one still
 * run, so a run may take a few more (at most the server's 10 in-flight updates).
 */
export const ROTATE_AFTER_CREATIONS = 500;

/**
 * Patch (runs before it created every live call's creation as a local activity with retries): a
 * quick local try that never waits for the portal's rate limit, then an activity when it fails
 * (workflows/activity-proxies.ts clientCreationTry). The marker is written once a run.
 */
export const CREATION_TRY_PATCH = 'creation-local-try-then-activity';

/**
 * Patch (runs before it tried each live creation in its own local activity, side by side): a
 * run tries the live creations it holds together in ONE local activity (tryCreations), one such
 * try at a time, and each creation whose try failed runs as an activity. Live, the SDK resolves
 * each local activity as it finishes; on replay it resolves together every one that overlapped,
 * in the order they started — so what the handlers did next (complete an update, schedule the
 * fallback activity) came in another order, and a shard that a worker lost from its cache failed
 * replay (non-determinism) and held its creations for ever (mixed-calls seed 546526; the class of
 * temporalio/sdk-typescript#1744). One local activity at a time resolves alike both ways.
 * Together, not one by one: creations tried one after another kept the shard's workflow task
 * open for the sum of their round trips, and under a 300-caller backlog the server timed those
 * tasks out (P4 stalled). The marker is written once a run.
 */
export const TRIES_TOGETHER_PATCH = 'creation-tries-together';

/** A live creation waiting for the run's next local try. */
interface Waiting {
  input: ResolveClientInput;
  settle(outcome: Promise<ResolvedClient>): void;
}

/** How a run creates a client: in the order it can replay (TRIES_TOGETHER_PATCH). */
function creator(): (input: ResolveClientInput) => Promise<ResolvedClient> {
  const waiting: Waiting[] = [];
  let trying = false;
  /** Tries what waits, together; then what has come meanwhile; until nothing waits. */
  const tryWaiting = async (): Promise<void> => {
    trying = true;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, waiting.length);
      const answers = await clientCreationTry.tryCreations(batch.map((w) => ({ ...w.input, quickTry: true as const })))
        .catch(() => [] as TriedCreations);
      for (const [i, w] of batch.entries()) {
        const answer = answers[i];
        w.settle(answer && 'created' in answer ? Promise.resolve(answer.created) : liveClientCreation.createClient(w.input));
      }
    }
    trying = false;
  };
  /** One creation: a backlog call's as a backlog activity; a live call's tried locally first (CREATION_TRY_PATCH). */
  return (input) => {
    if (input.backlog) return backlogClientCreation.createClient(input);
    if (!patched(CREATION_TRY_PATCH)) return clientCreation.createClient(input);
    if (!patched(TRIES_TOGETHER_PATCH)) return clientCreationTry.createClient({ ...input, quickTry: true }).catch(() => liveClientCreation.createClient(input));
    return new Promise<ResolvedClient>((resolve, reject) => {
      waiting.push({ input, settle: (outcome) => void outcome.then(resolve, reject) });
      if (!trying) void tryWaiting();
    });
  };
}

/**
 * How long a run waits before it continues as new anyway — or closes, when it took no creation
 * in all that time (a project that left the config, a quiet night): one timer a run, so a shard
 * never lives on unused and never costs a timer per creation.
 */
const RUN_AT_MOST = '1 day';

/**
 * B2: where a project's clients are created, one of CLIENT_CREATION_SHARDS long-lived workflows
 * per project (workflows/contract/ids.ts clientCreationShardId), each serving the numbers that
 * hash to it. A call whose lookup leaves something to create sends its creation here
 * (update-with-start, "use existing"). The creations of one number run one at a time in arrival
 * order, each looking the number up again first, so the second call of a burst finds what the
 * first created and creates nothing; different numbers' creations run side by side. Calls that
 * find their client never come here. A creation is a quick local try when the portal has room, and
 * an activity when it would wait (create(), CREATION_TRY_PATCH): the shard's workflow task is
 * never held by a wait for the portal, so creations sent meanwhile are taken at once.
 *
 * Why shards and not a workflow a number (clientCreationWorkflow, before them): a burst of new
 * callers then costs no workflow start, close or visibility record each, and creations that
 * arrive together are taken in one workflow task — measured, docs/benchmarks.md.
 *
 * Bounded: a run takes its ROTATE_AFTER_CREATIONS creations (or fewer, when the server suggests
 * continuing), then turns new ones away (CreationShardRotating: the caller sends again, to the next run), lets
 * those it took finish, and continues as new with nothing to carry: every creation it took is in
 * Bitrix24 for the next run's lookups. A run that took none in RUN_AT_MOST closes.
 */
export async function clientCreationShardWorkflow(input: ClientCreationShardInput = {}): Promise<void> {
  const rotateAfter = input.rotateAfter ?? ROTATE_AFTER_CREATIONS;
  /** Per number, the end of its queue of creations; a number leaves it when its queue empties. */
  const queues = new Map<string, Promise<unknown>>();
  let taken = 0;
  let rotating = false;
  const create = creator();

  setHandler(createClientUpdate, (input: ResolveClientInput): Promise<ResolvedClient> => {
    taken += 1;
    const mine = (queues.get(input.e164) ?? Promise.resolve())
      .then(() => create(input));
    const end = mine.catch(() => undefined);
    queues.set(input.e164, end);
    void end.then(() => {
      if (queues.get(input.e164) === end) queues.delete(input.e164);
    });
    return mine;
  }, {
    validator: (input: ResolveClientInput) => {
      if (rotating) {
        throw ApplicationFailure.create({
          type: FailureType.CreationShardRotating, message: `this run of the shard is continuing as new: send call ${input.callId}'s creation again`,
        });
      }
    },
  });

  const full = () => taken >= rotateAfter || workflowInfo().continueAsNewSuggested;
  const filled = await condition(full, RUN_AT_MOST);
  if (!filled && taken === 0) {
    // Idle a whole run: close. The next creation starts a new run (update-with-start).
    rotating = true;
    await condition(allHandlersFinished);
    return;
  }
  rotating = true;
  // Bounded by the creations' own timeouts (workflows/activity-proxies.ts).
  await condition(() => queues.size === 0 && allHandlersFinished());
  await continueAsNew<typeof clientCreationShardWorkflow>(input);
}
