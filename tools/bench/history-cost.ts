/**
 * What a call costs Temporal, counted from the recorded histories of the workflows it caused
 * (P7). Pure: it reads history events, never a server, so a hand-made history tests it.
 *
 * Billable actions follow Temporal Cloud's own list (docs.temporal.io/cloud/actions, "Temporal
 * Cloud Actions", read 2026-11): workflow started (client start, continue-as-new, child) — but
 * a signal-with-start is ONE action whether or not it started the workflow; every signal; every
 * activity start and retry; all markers (local activities, side effects, patches) of one
 * workflow task together one action, plus local-activity retries the server metered; every
 * timer started (a TypeScript `condition(fn, timeout)` starts one); every search-attribute
 * upsert command (start-time attributes and TemporalChangeVersion-only upserts are free); every
 * update accepted; a child workflow's initiation (its start counts in its own history);
 * workflow-options updates. Not in any history, so not counted here: queries, activity
 * heartbeats, rejected updates, signal-with-start refused by the reuse policy.
 */

/** Long (protobufjs) or a plain number: event ids as the client returns them or a test writes them. */
type EventId = number | { toString(): string } | null | undefined;

/**
 * The parts of a `temporal.api.history.v1.IHistoryEvent` this module reads. Structural, so the
 * client's events fit as they are and a test can write only what matters.
 */
export interface CostEvent {
  eventId?: EventId;
  workflowExecutionStartedEventAttributes?: object | null;
  workflowExecutionSignaledEventAttributes?: object | null;
  workflowTaskScheduledEventAttributes?: object | null;
  workflowTaskCompletedEventAttributes?: {
    meteringMetadata?: { nonfirstLocalActivityExecutionAttempts?: number | null } | null;
  } | null;
  activityTaskScheduledEventAttributes?: object | null;
  activityTaskStartedEventAttributes?: { attempt?: number | null } | null;
  markerRecordedEventAttributes?: { markerName?: string | null; workflowTaskCompletedEventId?: EventId } | null;
  timerStartedEventAttributes?: object | null;
  upsertWorkflowSearchAttributesEventAttributes?: {
    searchAttributes?: { indexedFields?: Record<string, unknown> | null } | null;
  } | null;
  workflowExecutionUpdateAcceptedEventAttributes?: object | null;
  startChildWorkflowExecutionInitiatedEventAttributes?: object | null;
  signalExternalWorkflowExecutionInitiatedEventAttributes?: object | null;
  workflowExecutionOptionsUpdatedEventAttributes?: object | null;
}

/** The marker name the TypeScript SDK (sdk-core) gives a local activity's result. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
/** Versioning's search attribute: upserting only it is not billed. */
const CHANGE_VERSION_ATTRIBUTE = 'TemporalChangeVersion';

export interface HistoryCost {
  /** Workflow executions counted (one per history, or none for a slice of a running one). */
  workflows: number;
  /** Of those, started by signal-with-start: their start and first signal are one action. */
  startedBySignalWithStart: number;
  historyEvents: number;
  workflowTasks: number;
  /** Signals received (WorkflowExecutionSignaled), including the one a signal-with-start carries. */
  signals: number;
  /** Signals this workflow sent to others: billed in the receiver's history, not here. */
  signalsSent: number;
  activities: number;
  activityRetries: number;
  localActivities: number;
  localActivityRetries: number;
  /** Markers of any kind (local activity, side effect, patch). */
  markers: number;
  /** Workflow tasks that recorded at least one marker: one action each. */
  markerTasks: number;
  timers: number;
  /** Billable upserts (not the TemporalChangeVersion-only ones). */
  upserts: number;
  updates: number;
  childWorkflows: number;
  optionsUpdates: number;
  /** Temporal Cloud billable actions, by the rules in this file's header. */
  actions: number;
}

export const zeroCost = (): HistoryCost => ({
  workflows: 0, startedBySignalWithStart: 0, historyEvents: 0, workflowTasks: 0, signals: 0, signalsSent: 0,
  activities: 0, activityRetries: 0, localActivities: 0, localActivityRetries: 0, markers: 0, markerTasks: 0,
  timers: 0, upserts: 0, updates: 0, childWorkflows: 0, optionsUpdates: 0, actions: 0,
});

/**
 * The cost of one workflow's history, or of the part of it from `fromIndex` on (a long-lived
 * workflow, e.g. the project's integration actor, of which a call adds only some events).
 */
export function costOfHistory(events: readonly CostEvent[], fromIndex = 0): HistoryCost {
  const cost = zeroCost();
  const taskOfMarker = new Set<string>();
  let lastCompletedTask = -1;
  events.forEach((event, index) => {
    if (event.workflowTaskCompletedEventAttributes) lastCompletedTask = index;
    if (index < fromIndex) return;
    cost.historyEvents += 1;
    if (event.workflowExecutionStartedEventAttributes) {
      cost.workflows += 1;
      // Signal-with-start writes the signal right after the start, before any workflow task.
      if (events[index + 1]?.workflowExecutionSignaledEventAttributes) cost.startedBySignalWithStart += 1;
    }
    if (event.workflowExecutionSignaledEventAttributes) cost.signals += 1;
    if (event.signalExternalWorkflowExecutionInitiatedEventAttributes) cost.signalsSent += 1;
    if (event.workflowTaskScheduledEventAttributes) cost.workflowTasks += 1;
    const completed = event.workflowTaskCompletedEventAttributes;
    if (completed) cost.localActivityRetries += completed.meteringMetadata?.nonfirstLocalActivityExecutionAttempts ?? 0;
    if (event.activityTaskScheduledEventAttributes) cost.activities += 1;
    const started = event.activityTaskStartedEventAttributes;
    if (started) cost.activityRetries += Math.max(0, (started.attempt ?? 1) - 1);
    const marker = event.markerRecordedEventAttributes;
    if (marker) {
      cost.markers += 1;
      if (marker.markerName === LOCAL_ACTIVITY_MARKER) cost.localActivities += 1;
      // Grouped by the workflow task that recorded it; without the id, by position (markers
      // are written right after their task's WorkflowTaskCompleted event).
      taskOfMarker.add(marker.workflowTaskCompletedEventId != null ? `id:${String(marker.workflowTaskCompletedEventId)}` : `at:${lastCompletedTask}`);
    }
    if (event.timerStartedEventAttributes) cost.timers += 1;
    const upsert = event.upsertWorkflowSearchAttributesEventAttributes;
    if (upsert) {
      const keys = Object.keys(upsert.searchAttributes?.indexedFields ?? {});
      if (!(keys.length > 0 && keys.every((key) => key === CHANGE_VERSION_ATTRIBUTE))) cost.upserts += 1;
    }
    if (event.workflowExecutionUpdateAcceptedEventAttributes) cost.updates += 1;
    if (event.startChildWorkflowExecutionInitiatedEventAttributes) cost.childWorkflows += 1;
    if (event.workflowExecutionOptionsUpdatedEventAttributes) cost.optionsUpdates += 1;
  });
  cost.markerTasks = taskOfMarker.size;
  cost.actions = billableActions(cost);
  return cost;
}

function billableActions(cost: HistoryCost): number {
  return (cost.workflows - cost.startedBySignalWithStart) + cost.signals
    + cost.activities + cost.activityRetries
    + cost.markerTasks + cost.localActivityRetries
    + cost.timers + cost.upserts + cost.updates + cost.childWorkflows + cost.optionsUpdates;
}

/** The sum of several workflows' costs: what one call cost in all. */
export function sumCosts(costs: readonly HistoryCost[]): HistoryCost {
  const total = zeroCost();
  for (const cost of costs) {
    for (const key of Object.keys(total) as Array<keyof HistoryCost>) total[key] += cost[key];
  }
  return total;
}

/** Rows of the P7 table: label and how to read it off a cost. */
export const costRows: ReadonlyArray<[string, (cost: HistoryCost) => string]> = [
  ['billable actions', (c) => String(c.actions)],
  ['history events', (c) => String(c.historyEvents)],
  ['workflow tasks', (c) => String(c.workflowTasks)],
  ['workflows started', (c) => `${c.workflows}${c.startedBySignalWithStart ? ` (${c.startedBySignalWithStart} by SWS)` : ''}`],
  ['signals', (c) => String(c.signals)],
  ['activities', (c) => `${c.activities}${c.activityRetries ? ` +${c.activityRetries} retries` : ''}`],
  ['local activities', (c) => `${c.localActivities}${c.localActivityRetries ? ` +${c.localActivityRetries} retries` : ''}`],
  ['tasks w/ markers', (c) => String(c.markerTasks)],
  ['timers', (c) => String(c.timers)],
  ['SA upserts', (c) => String(c.upserts)],
  ['updates', (c) => String(c.updates)],
  ['child workflows', (c) => String(c.childWorkflows)],
];

/** The table's lines: one row per measure, one column per call kind (the floor's last). */
export function formatCostTable(columns: ReadonlyArray<{ label: string; cost: HistoryCost }>): Array<[string, string]> {
  const cells = costRows.map(([, read]) => columns.map(({ cost }) => read(cost)));
  const widths = columns.map(({ label }, i) => Math.max(label.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: readonly string[]) => values.map((value, i) => value.padStart(widths[i] as number)).join('  ');
  return [
    ['', line(columns.map(({ label }) => label))],
    ...costRows.map(([label], row): [string, string] => [label, line(cells[row] as string[])]),
  ];
}
