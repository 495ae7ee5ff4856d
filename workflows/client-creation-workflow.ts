import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import type { ResolveClientInput, ResolvedClient } from '../schemas/activity-io';
import { backlogClientCreation, clientCreation } from './activity-proxies';
import { createClientUpdate } from './contract';

/**
 * Patch (runs before it created every call locally): a backlog call's creation runs as an
 * activity (activity-proxies.ts backlogClientCreation), not as a local activity.
 */
export const BACKLOG_CREATION_PATCH = 'backlog-creation-as-activity';

/** A run started without its update (by hand, say) closes after this. */
const UNUSED = '1 minute';

/**
 * B2: the one place where a client is created for one (project, number). A call whose lookup
 * leaves something to create sends its creation here (update-with-start, "use existing"); the
 * creations run one at a time in arrival order, each looking the number up again first, so the
 * second call of a burst finds what the first created and creates nothing. Calls that find the
 * client never come here.
 *
 * It closes as soon as no creation is running or queued: at most one run per number is open at
 * a time (USE_EXISTING), a new run can only start after the last one closed, and by then every
 * creation of that run is in Bitrix24 for the next lookup to see. So lingering would buy nothing
 * but history and a timer. A call whose update meets a closing run asks again and starts a new
 * one (activities/client-creation-gate.ts). Nothing is kept between creations.
 */
export async function clientCreationWorkflow(): Promise<void> {
  let turn: Promise<unknown> = Promise.resolve();
  let arrivals = 0;
  let running = 0;

  setHandler(createClientUpdate, (input: ResolveClientInput): Promise<ResolvedClient> => {
    arrivals += 1;
    running += 1;
    // Chained, so one creation runs at a time whatever the order updates are admitted in.
    const mine = turn.then(() => (input.backlog && patched(BACKLOG_CREATION_PATCH)
      ? backlogClientCreation.createClient(input) : clientCreation.createClient(input)));
    turn = mine.catch(() => undefined);
    return mine.finally(() => {
      running -= 1;
    });
  });

  // The starting update arrives in the first task: no timer is left in history then.
  if (!(await condition(() => arrivals > 0, UNUSED))) return;
  // Bounded by the creations' own timeouts (workflows/activity-proxies.ts).
  await condition(() => running === 0 && allHandlersFinished());
}
