/**
 * P7's counting (tools/bench/history-cost.ts) on small hand-made histories: every measure, and the
 * Temporal Cloud billing rules it applies (signal-with-start one action, markers one action
 * per workflow task, TemporalChangeVersion-only upserts free, retries billed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOfHistory, formatCostTable, LOCAL_ACTIVITY_MARKER, sumCosts, type CostEvent } from '../../tools/bench/history-cost';

const e = {
  started: (): CostEvent => ({ workflowExecutionStartedEventAttributes: {} }),
  signaled: (): CostEvent => ({ workflowExecutionSignaledEventAttributes: {} }),
  /** A workflow task: scheduled, started, completed (the last with the server's local-activity metering). */
  task: (localRetries = 0): CostEvent[] => [
    { workflowTaskScheduledEventAttributes: {} },
    {},
    { workflowTaskCompletedEventAttributes: { meteringMetadata: { nonfirstLocalActivityExecutionAttempts: localRetries } } },
  ],
  activity: (attempt = 1): CostEvent[] => [
    { activityTaskScheduledEventAttributes: {} },
    { activityTaskStartedEventAttributes: { attempt } },
    {},
  ],
  marker: (name: string, taskId?: number): CostEvent => ({ markerRecordedEventAttributes: { markerName: name, workflowTaskCompletedEventId: taskId } }),
  timer: (): CostEvent => ({ timerStartedEventAttributes: {} }),
  upsert: (...keys: string[]): CostEvent => ({
    upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: Object.fromEntries(keys.map((k) => [k, {}])) } },
  }),
  update: (): CostEvent => ({ workflowExecutionUpdateAcceptedEventAttributes: {} }),
  child: (): CostEvent => ({ startChildWorkflowExecutionInitiatedEventAttributes: {} }),
  signalOut: (): CostEvent => ({ signalExternalWorkflowExecutionInitiatedEventAttributes: {} }),
  completed: (): CostEvent => ({}),
};

/** The minimal floor's call: signal-with-start, two more signals, one activity at the end. */
const floorCall: CostEvent[] = [
  e.started(), e.signaled(), ...e.task(),
  e.signaled(), ...e.task(),
  e.signaled(), ...e.task(),
  ...e.activity(), ...e.task(), e.completed(),
];

describe('bench history cost (P7)', () => {
  it('the minimal floor call: 3 signals + 1 activity = 4 actions; the start rides on the signal-with-start', () => {
    const cost = costOfHistory(floorCall);
    assert.equal(cost.historyEvents, floorCall.length);
    assert.equal(cost.workflows, 1);
    assert.equal(cost.startedBySignalWithStart, 1);
    assert.equal(cost.signals, 3);
    assert.equal(cost.workflowTasks, 4);
    assert.equal(cost.activities, 1);
    assert.equal(cost.actions, 4);
  });

  it('a plain start is an action of its own; timers, upserts, updates, children and retries each add theirs', () => {
    const history: CostEvent[] = [
      e.started(), ...e.task(),
      e.timer(), e.upsert('CallPhase'), e.upsert('CallPhase', 'CallOutcome'), e.child(), e.signalOut(),
      e.signaled(), ...e.task(),
      e.update(), ...e.activity(3), ...e.task(), e.completed(),
    ];
    const cost = costOfHistory(history);
    assert.equal(cost.startedBySignalWithStart, 0);
    assert.equal(cost.timers, 1);
    assert.equal(cost.upserts, 2, 'one action per upsert command, however many attributes it sets');
    assert.equal(cost.updates, 1);
    assert.equal(cost.childWorkflows, 1);
    assert.equal(cost.signalsSent, 1, 'counted, but billed in the receiver\'s history');
    assert.equal(cost.activityRetries, 2, 'attempt 3 = two retries');
    // start 1 + timer 1 + upserts 2 + child 1 + signal 1 + update 1 + activity 1 + retries 2
    assert.equal(cost.actions, 10);
  });

  it('markers: all of one workflow task are one action; local-activity retries metered by the server are billed', () => {
    const history: CostEvent[] = [
      e.started(), e.signaled(), ...e.task(),
      e.marker(LOCAL_ACTIVITY_MARKER, 5), e.marker(LOCAL_ACTIVITY_MARKER, 5), e.marker('core_patch', 5),
      ...e.task(2),
      e.marker(LOCAL_ACTIVITY_MARKER), e.completed(),
    ];
    const cost = costOfHistory(history);
    assert.equal(cost.localActivities, 3);
    assert.equal(cost.markers, 4);
    assert.equal(cost.markerTasks, 2, 'grouped by workflowTaskCompletedEventId, else by the task they follow');
    assert.equal(cost.localActivityRetries, 2);
    // signal-with-start 1 + marker tasks 2 + local retries 2
    assert.equal(cost.actions, 5);
  });

  it('an upsert of TemporalChangeVersion alone (patched()) is free', () => {
    const cost = costOfHistory([e.started(), ...e.task(), e.upsert('TemporalChangeVersion'), e.upsert('TemporalChangeVersion', 'CallPhase')]);
    assert.equal(cost.upserts, 1);
    assert.equal(cost.actions, 2);
  });

  it('a slice of a long-lived workflow counts only the events from that index, markers grouped with their task', () => {
    const actor: CostEvent[] = [e.started(), e.signaled(), ...e.task(), e.signaled(), ...e.task(), e.marker('core_side_effect'), e.signaled()];
    const slice = costOfHistory(actor, 5);
    assert.equal(slice.workflows, 0, 'the actor was not started by this call');
    assert.equal(slice.historyEvents, actor.length - 5);
    assert.equal(slice.signals, 2);
    assert.equal(slice.markerTasks, 1);
    assert.equal(slice.actions, 3);
  });

  it('sums a call\'s workflows and prints one column per call kind', () => {
    const total = sumCosts([costOfHistory(floorCall), costOfHistory(floorCall)]);
    assert.equal(total.actions, 8);
    assert.equal(total.workflows, 2);
    const rows = formatCostTable([{ label: 'S1', cost: total }, { label: 'floor', cost: costOfHistory(floorCall) }]);
    assert.match(rows[0]![1], /S1\s+floor/);
    const actions = rows.find(([label]) => label === 'billable actions');
    assert.match(actions![1], /8\s+4$/);
  });
});
