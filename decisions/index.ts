/**
 * The decision table (DECISIONS.md) as pure, deterministic functions. The call workflow imports
 * this barrel directly, so nothing here may read a clock, do I/O, draw random numbers or import
 * zod / node: / libphonenumber at run time (schemas are imported as types only).
 */
export { answeredSeen, eventStage, factsFromEvents, isoMillis, type CallStage } from './facts-from-events';
export { describeLine, findEmployee, samePhone, sameSip } from './line-binding';
export { classifyClient, clientOwnerId, isOpenDeal, isOpenLead, newest } from './client-state';
export { skipReason, type SkipReason } from './skip-rules';
export { customFieldValues, paramValue, pipelineCategory, sourceFields, utmFieldMap, utmFields } from './call-params';
export { addHours, callDescription, entityTitle, formatDuration, isMissed, recordTitle, statusText, visitLines } from './call-text';
export { CALL_SOURCE_ID, fillEmptyFields, newEntityFields, sourceDescription, visitComments } from './entity-fields';
export { creationDueAt, noLeadForContact, planEntities, type EntityPlanInput } from './entity-plan';
export { callBackTask, callRecord, contactOwnerTask, reviewTask, settingsTask, type TaskContext } from './call-tasks';
export { callBindings, planRecords, type CallOutcome, type RecordsPlanInput } from './records-plan';
export { missedCallAssignee, missedCallPool, roundRobinApplies } from './missed-assignee';
export { callStage, closeNeverEnded, endedPhase } from './call-stage';
export { callStartSummary, callSummary } from './call-summary';
export type { DecisionProject } from './types';
