import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Keyword search attributes of call workflows (CONTRACTS.md §3); registered on the server at start. */
export const ProjectIdKey = defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD);
export const CallIdKey = defineSearchAttributeKey('CallId', SearchAttributeType.KEYWORD);
export const ClientNumberKey = defineSearchAttributeKey('ClientNumber', SearchAttributeType.KEYWORD);
export const CallPhaseKey = defineSearchAttributeKey('CallPhase', SearchAttributeType.KEYWORD);
export const CallOutcomeKey = defineSearchAttributeKey('CallOutcome', SearchAttributeType.KEYWORD);
