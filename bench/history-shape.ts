import type { Client } from '@temporalio/client';

/**
 * What one call costs Temporal, read from the histories of its workflows (the call and its
 * per-number lock). Printed for a bridge call and a floor call side by side, so the P2 floor
 * is seen to do the same number of workflows, signals and activities — not assumed to.
 */
export interface Shape {
  workflows: number;
  activities: number;
  signals: number;
  upserts: number;
}

export async function shapeOf(temporal: Client, workflowIds: readonly string[]): Promise<Shape> {
  const shape: Shape = { workflows: 0, activities: 0, signals: 0, upserts: 0 };
  for (const id of workflowIds) {
    const history = await temporal.workflow.getHandle(id).fetchHistory();
    shape.workflows += 1;
    for (const event of history.events ?? []) {
      if (event.activityTaskScheduledEventAttributes) shape.activities += 1;
      if (event.workflowExecutionSignaledEventAttributes) shape.signals += 1;
      if (event.upsertWorkflowSearchAttributesEventAttributes) shape.upserts += 1;
    }
  }
  return shape;
}

export function formatShape(shape: Shape): string {
  return `${shape.workflows} workflows, ${shape.activities} activities, ${shape.signals} signals, ${shape.upserts} search-attribute upserts`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.workflows === b.workflows && a.activities === b.activities && a.signals === b.signals && a.upserts === b.upserts;
}
