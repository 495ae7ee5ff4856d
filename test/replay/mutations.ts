/**
 * The negative controls of the replay test (test/unit/workflow-replay-mutations.test.ts): realistic
 * mistakes, made by editing the REAL workflow source — a dropped `patched()` branch, two steps
 * reordered, a moved, dropped or added timer — each of which must make replay of the recorded
 * histories it names fail with a non-determinism error. They prove that the replay test catches
 * the mistakes it exists for, not just that replay can fail.
 *
 * One row per mistake; every registered workflow type (workflows/index.ts) needs at least one row
 * (the test fails otherwise), so a new workflow type gets its control by adding a row here.
 *
 * Each edit's `find` must occur exactly once in the file as it is today: when the workflow code
 * changes, the test says which row no longer applies, and the row is updated to make the same
 * kind of mistake in the new code. Pick the histories with care: a mistake changes commands only
 * for some histories (dropping a patch's old path breaks only histories recorded after the patch,
 * its new path only those recorded before it); each named history must fail.
 */

export interface Mutation {
  /** The workflow type the mistake is made in (an export of workflows/index.ts). */
  workflowType: string;
  /** The mistake, as a developer would make it. */
  mistake: string;
  /** The file edited, from the project root. */
  file: string;
  /** Textual edits, applied in order; each `find` occurs exactly once in the file. */
  edits: Array<{ find: string; replace: string }>;
  /** Recorded histories (test/replay/histories/<name>.json) whose replay must fail, each of `workflowType`. */
  histories: string[];
}

export const MUTATIONS: Mutation[] = [
  // callWorkflowV2: both patches dropped both ways, two steps reordered, the idle timer moved, a look dropped.
  {
    workflowType: 'callWorkflowV2',
    mistake: 'drops the idle-timeout-from-worker patch, keeping its old path for every call',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'const settingsFirst = patched(IDLE_TIMEOUT_FROM_WORKER_PATCH);', replace: 'const settingsFirst = false;' }],
    histories: ['v2/answered-new-client', 'v2/never-ended'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'drops the parked-rarely-and-limited patch, keeping its new path for every parked call',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'const active = patched(PARKING_COST_PATCH)\n', replace: 'const active = true\n' }],
    histories: ['v2/parked-resumed.before-parked-rarely-and-limited'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'drops the parked-rarely-and-limited patch, keeping its old path for every parked call',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'const active = patched(PARKING_COST_PATCH)\n', replace: 'const active = false\n' }],
    histories: ['v2/parked-resumed', 'v2/parked-too-long'],
  },
  // Issue 16: an ended call's tasks written by its resolveClient (no patch: the call follows the answer).
  {
    workflowType: 'callWorkflowV2',
    mistake: 'writes the tasks in completeCall whatever resolveClient answered (the answer\'s `completed` ignored)',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: '    completedAlong = done?.completed;\n', replace: '' }],
    histories: ['v2/missed-new-client', 'v2/parked-resumed'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'takes an ended call\'s tasks as written without looking at the answer (no completeCall for an answer from before)',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: '    completedAlong = done?.completed;\n', replace: "    completedAlong = stage === 'ended' ? (done?.completed ?? { taskIds: {}, failures: [] }) : undefined;\n" }],
    histories: ['v2/missed-new-client.before-one-activity'],
  },
  // Issue 16: a live call's tasks after its resolution at call.answered, written locally when the answer says so (no patch).
  {
    workflowType: 'callWorkflowV2',
    mistake: 'writes a live call\'s tasks in a completeCall activity whatever resolveClient answered (`completeLocally` ignored)',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'if (resolved?.completeLocally && !wasParked', replace: 'if (false && resolved?.completeLocally && !wasParked' }],
    histories: ['v2/never-ended', 'v2/answered-then-ended'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'writes a live call\'s tasks locally after an answer from before (`completeLocally` taken for granted)',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'if (resolved?.completeLocally && !wasParked', replace: 'if (!wasParked' }],
    histories: ['v2/never-ended.before-local-complete'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'marks the call answered only after its client is resolved (two steps reordered)',
    file: 'workflows/call-actor.ts',
    edits: [{
      find: "    if (stage === 'answered') call.answered();\n    if (!call.entitiesDone() && creationDueAt(stage, call.scenario, facts.direction)) await call.resolveClient(facts, stage);\n",
      replace: "    if (!call.entitiesDone() && creationDueAt(stage, call.scenario, facts.direction)) await call.resolveClient(facts, stage);\n    if (stage === 'answered') call.answered();\n",
    }],
    // Calls resolved at call.answered; since an ended call's tasks come with resolveClient, recordings whose events came together resolve at the end.
    histories: ['v2/concurrent-first.before-one-activity', 'v2/existing-client-review.before-one-activity'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'arms the idle timer at the first wait for a further event, not at the start (the timer moved)',
    file: 'workflows/call-workflow.ts',
    edits: [{
      find: '  armIdleTimer(idleTimeout);\n  const nextEvent = async (processed: number) => {\n',
      replace: '  let armed = false;\n  const nextEvent = async (processed: number) => {\n    if (processed > 0 && !armed) {\n      armed = true;\n      armIdleTimer(idleTimeout);\n    }\n',
    }],
    // Calls whose first events came together: the timer now follows their answered upsert and resolveClient.
    // Calls resolved at call.answered; since an ended call's tasks come with resolveClient, recordings whose events came together resolve at the end.
    histories: ['v2/concurrent-first.before-one-activity', 'v2/existing-client-review.before-one-activity'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'drops the retries-exhausted-recorded patch, keeping its old path (a local activity that gave up fails the call)',
    file: 'workflows/call-actor.ts',
    edits: [{ find: '    if (!patched(BOUNDED_RETRIES_PATCH)) throw err;\n', replace: '    throw err;\n' }],
    histories: ['v2/gave-up-settings'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'drops the look at the credentials when a call parks (an activity dropped)',
    file: 'workflows/call-actor.ts',
    edits: [{ find: "  const atPark = await credentialsStatus();\n  if (atPark.status === 'active') return atPark;\n", replace: '' }],
    histories: ['v2/parked-resumed', 'v2/parked-too-long'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'a call parked before parked-rarely-and-limited looks at the credentials before its hourly wait (timer and activity reordered)',
    file: 'workflows/call-actor.ts',
    edits: [{
      find: "    if (await condition(signalled, PARKED_RECHECK)) return undefined;\n    const status = await credentialsStatus();\n    if (status.status === 'active') return status;\n",
      replace: "    const status = await credentialsStatus();\n    if (status.status === 'active') return status;\n    if (await condition(signalled, PARKED_RECHECK)) return undefined;\n",
    }],
    histories: ['v2/parked-resumed.before-parked-rarely-and-limited'],
  },

  // integrationWorkflowV2: the reactivation-in-own-workflow patch dropped both ways.
  {
    workflowType: 'integrationWorkflowV2',
    mistake: 'drops the reactivation-in-own-workflow patch, keeping its new path for every integration',
    file: 'workflows/integration-workflow.ts',
    edits: [{ find: 'if (patched(REACTIVATION_WORKFLOW_PATCH)) await startReactivation(', replace: 'if (true) await startReactivation(' }],
    histories: ['v2/integration-broken-reactivated.before-reactivation-in-own-workflow'],
  },
  {
    workflowType: 'integrationWorkflowV2',
    mistake: 'drops the reactivation-in-own-workflow patch, keeping its old path for every integration',
    file: 'workflows/integration-workflow.ts',
    edits: [{ find: 'if (patched(REACTIVATION_WORKFLOW_PATCH)) await startReactivation(', replace: 'if (false) await startReactivation(' }],
    histories: ['v2/integration-broken-reactivated'],
  },
  {
    workflowType: 'integrationWorkflowV2',
    mistake: 'drops the wait before the second release pass in the old path (a timer dropped)',
    file: 'workflows/integration-workflow.ts',
    edits: [{ find: '    if (pass === 2) await sleep(SECOND_PASS);\n', replace: '' }],
    histories: ['v2/integration-broken-reactivated.before-reactivation-in-own-workflow'],
  },

  {
    workflowType: 'integrationWorkflowV2',
    mistake: 'drops the reactivate-once patch, keeping its old path (no guard after the portal answers)',
    file: 'workflows/integration-workflow.ts',
    edits: [
      {
        find: "    if (configApplied()) return { outcome: 'already-applied', credentialsVersion: state.credentialsVersion, portal: state.portal };\n"
          + '    if (basedOn !== state.credentialsVersion && patched(REACTIVATE_ONCE_PATCH)) throw superseded(state, basedOn);\n',
        replace: "    if (configApplied()) return { outcome: 'already-applied', credentialsVersion: state.credentialsVersion, portal: state.portal };\n",
      },
      {
        find: "    if (configApplied() && patched(REACTIVATE_ONCE_PATCH)) return { outcome: 'already-applied', credentialsVersion: state.credentialsVersion, portal: state.portal };\n"
          + '    if (basedOn !== state.credentialsVersion && patched(REACTIVATE_ONCE_PATCH)) throw superseded(state, basedOn);\n',
        replace: '',
      },
    ],
    histories: ['v2/integration-reactivation-superseded'],
  },

  // reactivationWorkflow: two activities reordered, the second-pass timer dropped and moved.
  {
    workflowType: 'reactivationWorkflow',
    mistake: 'starts the resend while it wakes the parked calls (two activities reordered)',
    file: 'workflows/reactivation-workflow.ts',
    edits: [
      {
        find: '  let released = 0;\n',
        replace: '  let released = 0;\n  const resending = input.resend ? integrationWork.resendEvents({ projectId: input.projectId, credentialsVersion: input.credentialsVersion, startedAt }) : undefined;\n',
      },
      {
        find: 'await integrationWork.resendEvents({ projectId: input.projectId, credentialsVersion: input.credentialsVersion, startedAt });',
        replace: 'await (resending as ReturnType<typeof integrationWork.resendEvents>);',
      },
    ],
    histories: ['v2/reactivation-resend'],
  },
  {
    workflowType: 'reactivationWorkflow',
    mistake: 'drops the wait before the second release pass (a timer dropped)',
    file: 'workflows/reactivation-workflow.ts',
    edits: [{ find: '    if (pass === 2) await sleep(SECOND_PASS);\n', replace: '' }],
    histories: ['v2/reactivation-resend'],
  },
  {
    workflowType: 'reactivationWorkflow',
    mistake: 'waits after each release pass instead of before the second (the timer moved)',
    file: 'workflows/reactivation-workflow.ts',
    edits: [
      { find: '    if (pass === 2) await sleep(SECOND_PASS);\n', replace: '' },
      { find: '      run.failures.push(`release: ${retriesExhausted(err) ?? failureMessage(err)}`);\n    }\n', replace: '      run.failures.push(`release: ${retriesExhausted(err) ?? failureMessage(err)}`);\n    }\n    await sleep(SECOND_PASS);\n' },
    ],
    histories: ['v2/reactivation-resend'],
  },

  // Issue 15: the backlog's lane patches, each dropped both ways.
  {
    workflowType: 'callWorkflowV2',
    mistake: 'drops the backlog-activities-own-queue patch, keeping its old path (a resumed call\'s activities back on the main queue)',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'if (patched(BACKLOG_LANE_PATCH)) return', replace: 'if (false) return' }],
    histories: ['v2/parked-resumed'],
  },
  {
    workflowType: 'clientCreationWorkflow',
    mistake: 'drops the backlog-creation-as-activity patch, keeping its old path (a backlog creation as a local activity)',
    file: 'workflows/client-creation-workflow.ts',
    edits: [{ find: 'input.backlog && patched(BACKLOG_CREATION_PATCH)', replace: 'input.backlog && false' }],
    histories: ['v2/client-creation-backlog'],
  },

  // clientCreationWorkflow: a linger for late callers before it closes. (A deadline added to its
  // wait for the creations is no control: the timer starts and is cancelled within the one workflow
  // task that also runs the local activity, so it never reaches the history.)
  {
    workflowType: 'clientCreationWorkflow',
    mistake: 'lingers a moment for late callers before it closes (a timer added)',
    file: 'workflows/client-creation-workflow.ts',
    edits: [
      { find: "import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';", replace: "import { allHandlersFinished, condition, patched, setHandler, sleep } from '@temporalio/workflow';" },
      { find: '  await condition(() => running === 0 && allHandlersFinished());\n', replace: "  await condition(() => running === 0 && allHandlersFinished());\n  await sleep('1 second');\n" },
    ],
    histories: ['v2/client-creation-one', 'v2/client-creation-burst'],
  },

  // clientCreationShardWorkflow: a backlog creation run locally, the local try or the activity after it dropped, tries side by side again, a pause before continuing as new.
  {
    workflowType: 'clientCreationShardWorkflow',
    mistake: 'runs a backlog creation as a local activity, as live ones were (the activity dropped)',
    file: 'workflows/client-creation-shard-workflow.ts',
    edits: [{ find: '  if (input.backlog) return backlogClientCreation.createClient(input);\n', replace: '' }],
    histories: ['v2/client-creation-shard-backlog'],
  },
  {
    workflowType: 'clientCreationShardWorkflow',
    mistake: 'runs every live creation as an activity (the local try dropped)',
    file: 'workflows/client-creation-shard-workflow.ts',
    edits: [{ find: 'await clientCreationTry.tryCreations(batch.map((w) => ({ ...w.input, quickTry: true as const })))\n        .catch(() => [] as TriedCreations);', replace: '[] as TriedCreations;' }],
    histories: ['v2/client-creation-shard-burst'],
  },
  {
    workflowType: 'clientCreationShardWorkflow',
    mistake: 'lets a failed local try fail the creation (the activity after it dropped)',
    file: 'workflows/client-creation-shard-workflow.ts',
    edits: [{ find: ': liveClientCreation.createClient(w.input)', replace: ": Promise.reject(ApplicationFailure.create({ message: 'the try failed' }))" }],
    histories: ['v2/client-creation-shard-declined', 'v2/client-creation-shard-overlap'],
  },
  {
    workflowType: 'clientCreationShardWorkflow',
    mistake: 'tries each live creation in its own local activity again (the creation-tries-together patch dropped)',
    file: 'workflows/client-creation-shard-workflow.ts',
    edits: [{ find: 'if (!patched(TRIES_TOGETHER_PATCH)) return', replace: 'if (input.e164) return' }],
    histories: ['v2/client-creation-shard-burst', 'v2/client-creation-shard-overlap'],
  },
  {
    workflowType: 'clientCreationShardWorkflow',
    mistake: 'pauses before it continues as new, for creations still on their way (a timer added)',
    file: 'workflows/client-creation-shard-workflow.ts',
    edits: [
      { find: "import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';", replace: "import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';" },
      { find: '  await continueAsNew<typeof clientCreationShardWorkflow>(input);\n', replace: "  await sleep('1 second');\n  await continueAsNew<typeof clientCreationShardWorkflow>(input);\n" },
    ],
    histories: ['v2/client-creation-shard-burst'],
  },

  // reconcileWorkflow: a timer added before its one activity.
  {
    workflowType: 'reconcileWorkflow',
    mistake: 'waits out the settle time before reading the call log (a timer added)',
    file: 'workflows/reconcile-workflow.ts',
    edits: [
      { find: "import { proxyActivities } from '@temporalio/workflow';", replace: "import { proxyActivities, sleep } from '@temporalio/workflow';" },
      { find: '  const startedAt = new Date();\n', replace: '  await sleep(input.settleMs);\n  const startedAt = new Date();\n' },
    ],
    histories: ['v2/reconcile-window'],
  },

  // Version 1 (frozen): a mistaken edit of the frozen code is caught too.
  {
    workflowType: 'callWorkflow',
    mistake: 'loads the settings before it records the client number (two steps reordered)',
    file: 'workflows/legacy/call-workflow-v1.ts',
    edits: [{
      find: '  upsertSearchAttributes([{ key: ClientNumberKey, value: e164 }, { key: CallPhaseKey, value: phase }]);\n  const settings: ProjectSettings = await local.loadProjectSettings(input.projectId);\n',
      replace: '  const settings: ProjectSettings = await local.loadProjectSettings(input.projectId);\n  upsertSearchAttributes([{ key: ClientNumberKey, value: e164 }, { key: CallPhaseKey, value: phase }]);\n',
    }],
    histories: ['v1/answered-new-client', 'v1/internal-skipped'],
  },
  {
    workflowType: 'callWorkflow',
    mistake: 'drops the per-number lock (version 2 has none; an activity and a timer dropped)',
    file: 'workflows/legacy/call-workflow-v1.ts',
    edits: [{ find: '    do await local.requestClientLock(lock);\n    while (!(await condition(() => grantedLock === holder, LOCK_WAIT)));\n', replace: '' }],
    histories: ['v1/answered-new-client', 'v1/concurrent-second'],
  },
  {
    workflowType: 'callWorkflow',
    mistake: 'a parked call looks at the credentials before its hourly wait (frozen call actor: timer and activity reordered)',
    file: 'workflows/legacy/frozen/call-actor.ts',
    edits: [{
      find: "    if (await condition(signalled, PARKED_RECHECK)) return undefined;\n    const status = await credentialsStatus();\n    if (status.status === 'active') return status;\n",
      replace: "    const status = await credentialsStatus();\n    if (status.status === 'active') return status;\n    if (await condition(signalled, PARKED_RECHECK)) return undefined;\n",
    }],
    histories: ['v1/parked-resumed'],
  },
  {
    workflowType: 'clientLockWorkflow',
    mistake: 'grants the lock without a lease (a timer dropped)',
    file: 'workflows/legacy/client-lock-workflow.ts',
    edits: [{ find: 'await condition(() => holder === undefined, LEASE)', replace: 'await condition(() => holder === undefined).then(() => true)' }],
    histories: ['v1/client-lock'],
  },
  {
    workflowType: 'integrationWorkflow',
    mistake: 'continues as new once a day (a timer added)',
    file: 'workflows/legacy/integration-workflow-v1.ts',
    edits: [{ find: 'await condition(() => workflowInfo().continueAsNewSuggested);', replace: "await condition(() => workflowInfo().continueAsNewSuggested, '1 day');" }],
    // Not v1/integration-broken-reactivated: a command in a task followed only by signals is not checked (BLIND_SPOTS).
    histories: ['v1/integration-round-robin'],
  },
];

/**
 * Mistakes replay does NOT catch (found by this test; the SDK core does not match them): each
 * must replay without error, so the day an SDK starts catching one, the test says so and it
 * moves to MUTATIONS. Such changes need a patch all the same; review, not replay, catches them.
 *
 * - A local activity moved across a timer: core matches local-activity markers by their own
 *   sequence, not by their place among the other commands.
 * - A command added to a workflow task whose history is followed only by signals (no command
 *   events): v1/integration-broken-reactivated with a timer added replays cleanly; the same
 *   mistake fails against v1/integration-round-robin (an update follows).
 * - An activity sent to another task queue: core matches an activity by its type and sequence.
 */
export const BLIND_SPOTS: Mutation[] = [
  {
    // Replay compares an activity's type and sequence, not its task queue: a call resumed before
    // the patch replays cleanly with its activities "moved" to the lane. Harmless as it happens
    // (what it already ran stays run; only later activities go to the lane), but not caught.
    workflowType: 'callWorkflowV2',
    mistake: 'drops the backlog-activities-own-queue patch, keeping its new path for calls resumed before it (only the task queue differs)',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'if (patched(BACKLOG_LANE_PATCH)) return', replace: 'if (true) return' }],
    histories: ['v2/parked-resumed.before-backlog-activities-own-queue'],
  },
  {
    workflowType: 'callWorkflowV2',
    mistake: 'drops the idle-timeout-from-worker patch, keeping its new path for every call (the settings local activity moves ahead of the idle timer)',
    file: 'workflows/call-workflow.ts',
    edits: [{ find: 'const settingsFirst = patched(IDLE_TIMEOUT_FROM_WORKER_PATCH);', replace: 'const settingsFirst = true;' }],
    histories: ['v2/answered-new-client.before-idle-timeout-from-worker', 'v2/parked-resumed.before-idle-timeout-from-worker'],
  },
  {
    workflowType: 'integrationWorkflow',
    mistake: 'continues as new once a day (a timer added), replayed against a history of signals only',
    file: 'workflows/legacy/integration-workflow-v1.ts',
    edits: [{ find: 'await condition(() => workflowInfo().continueAsNewSuggested);', replace: "await condition(() => workflowInfo().continueAsNewSuggested, '1 day');" }],
    histories: ['v1/integration-broken-reactivated'],
  },
];

/** Applies a row's edits to a file's text; throws, naming the row, when an edit's `find` is not there exactly once. */
export function mutate(source: string, mutation: Mutation): string {
  let text = source;
  for (const { find, replace } of mutation.edits) {
    const count = text.split(find).length - 1;
    if (count !== 1) {
      throw new Error(
        `mutation "${mutation.mistake}" (${mutation.workflowType}): its search string occurs ${count} times in ${mutation.file}, not once — `
        + `the workflow code changed; update the row in test/replay/mutations.ts so that it makes the same mistake in today's code.\n`
        + `search string: ${JSON.stringify(find)}`,
      );
    }
    text = text.replace(find, () => replace);
  }
  return text;
}
