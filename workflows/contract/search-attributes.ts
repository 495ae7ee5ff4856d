import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Keyword search attributes of call workflows (docs/contracts.md §3, B4): operators find a call in the
 * Temporal UI by project, call id, phone, phase and outcome. Keyword: exact-match filters, which
 * is what these ids and enums need (Text would tokenize them).
 */
export const ProjectIdKey = defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD);
export const CallIdKey = defineSearchAttributeKey('CallId', SearchAttributeType.KEYWORD);
export const ClientNumberKey = defineSearchAttributeKey('ClientNumber', SearchAttributeType.KEYWORD);
export const CallPhaseKey = defineSearchAttributeKey('CallPhase', SearchAttributeType.KEYWORD);
export const CallOutcomeKey = defineSearchAttributeKey('CallOutcome', SearchAttributeType.KEYWORD);

/** Every custom search attribute the bridge sets: what a Temporal server must have registered. */
export const bridgeSearchAttributes = [ProjectIdKey, CallIdKey, ClientNumberKey, CallPhaseKey, CallOutcomeKey] as const;
