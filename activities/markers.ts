/** Marks the CRM entities this bridge creates, so a retried create finds the first one (R1, M6). */
export function entityMarker(projectId: string, callId: string, kind: string) {
  return { originatorId: `ringostat-bridge:${projectId}`, originId: `${callId}:${kind}` };
}

/** Marks a call's task the same way (XML_ID). */
export function taskXmlId(projectId: string, callId: string, key: string): string {
  return `ringostat-bridge:${projectId}:${callId}:${key}`;
}
