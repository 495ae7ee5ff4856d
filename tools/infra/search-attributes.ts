/**
 * Custom search attributes every call workflow carries, so operators can find a call in the
 * Temporal UI by project, call id, phone, phase and outcome (B4). All are Keyword: exact-match
 * filters, which is what these ids and enums need (Text would tokenize them).
 */
export const searchAttributeNames = ['ProjectId', 'CallId', 'ClientNumber', 'CallPhase', 'CallOutcome'] as const;

export type SearchAttributeName = (typeof searchAttributeNames)[number];
