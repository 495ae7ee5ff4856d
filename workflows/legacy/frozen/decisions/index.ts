// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/index.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/index.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
/**
 * The decision table (docs/decisions.md) as pure, deterministic functions: which stage a call is at,
 * what it creates and writes, who gets it, what its outcome is. The workflows import this barrel
 * directly, so nothing here may read a clock, do I/O, draw random numbers or import zod / node: /
 * libphonenumber at run time (schemas are imported as types only; eslint.config.mjs enforces it).
 */
export { answeredSeen, factsFromEvents, type CallStage } from './facts-from-events';
export { findEmployee, samePhone, sameSip } from './line-binding';
export { classifyClient, clientOwnerId, isOpenDeal, isOpenLead } from './client-state';
export { skipReason, type SkipReason } from './skip-rules';
export { customFieldValues, paramValue, pipelineCategory } from './call-params';
export { newEntityFields } from './entity-fields';
export { creationDueAt, planEntities } from './entity-plan';
export { callBindings, planRecords } from './records-plan';
export { finalOutcome, NO_EVENTS_OUTCOME, NOT_RESENT_OUTCOME, PARKED_TOO_LONG_OUTCOME, skippedOutcome, type CallOutcome } from './call-outcome';
export { missedCallAssignee, missedCallPool, roundRobinApplies, roundRobinPosition } from './missed-assignee';
export { callStage, closeNeverEnded, endedPhase } from './call-stage';
