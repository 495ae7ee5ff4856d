import type { CrmEntityRef } from '../schemas/crm-plan';

/** Marks the CRM entities this bridge creates, so a retried create finds the first one (R1, M6). */
export function entityMarker(projectId: string, callId: string, kind: string) {
  return { originatorId: `ringostat-bridge:${projectId}`, originId: `${callId}:${kind}` };
}

/** Marks a call's task the same way (XML_ID). */
export function taskXmlId(projectId: string, callId: string, key: string): string {
  return `ringostat-bridge:${projectId}:${callId}:${key}`;
}

/**
 * Whether the bridge made an entity for call `callId`, of any kind: its entityMarker read back
 * (R1). A retry tells its own earlier work from what others made by it (decisions/own-entities.ts).
 */
export function markedForCall(projectId: string, callId: string): (ref: Pick<CrmEntityRef, 'origin'>) => boolean {
  const mine = entityMarker(projectId, callId, '');
  return (ref) => ref.origin?.originatorId === mine.originatorId && ref.origin.originId.startsWith(mine.originId);
}
