/**
 * The decision table (docs/decisions.md) as pure, deterministic functions: which stage a call is at,
 * what it creates and writes, who gets it, what its outcome is. The workflows import this barrel
 * directly, so nothing here may read a clock, do I/O, draw random numbers or import zod / node: /
 * libphonenumber at run time (schemas are imported as types only; eslint.config.mjs enforces it).
 */
export { answeredSeen, factsFromEvents, type CallStage } from './facts-from-events';
export { findEmployee, samePhone, sameSip } from './line-binding';
export { classifyClient, clientOwnerId, isOpenDeal, isOpenLead } from './client-state';
export { clientStateForCall, stateBehindOwn, withoutOwn, type IsOwn } from './own-entities';
export { cardResponsible, clientNameOf } from './contact-card';
export { skipReason, type SkipReason } from './skip-rules';
export { customFieldValues, paramValue, pipelineCategory } from './call-params';
export { newEntityFields } from './entity-fields';
export { creationDueAt, planEntities } from './entity-plan';
export { callBindings, planRecords } from './records-plan';
export { finalOutcome, NO_EVENTS_OUTCOME, NOT_RESENT_OUTCOME, PARKED_TOO_LONG_OUTCOME, parkedTooLongFailure, RETRIES_EXHAUSTED_OUTCOME, skippedOutcome, type CallOutcome } from './call-outcome';
export { missedCallAssignee, missedCallPool, roundRobinApplies, roundRobinDrawDue, roundRobinPosition } from './missed-assignee';
export { callStage, closeNeverEnded, endedPhase } from './call-stage';
export { callStartSummary, callSummary } from './call-summary';
export {
  configWebhookApplied, parkedCallsAction, reactivationDoneDetails, reactivationWorkSummary, releasingDetails, resendingDetails, supersededMessage,
} from './reactivation';
export { integrationSummary } from './integration-summary';
