/** CRM helpers the call scenarios use; each one is idempotent (M6, R1). */
export { lookupByPhone } from './crm-lookup';
export { createEntitiesOnce, createEntity, fillEmptyFields, findByMarker, type PlannedEntity, isEmpty, type CrmEntityKind, type OriginMarker } from './crm-create';
export { createTask, crmTaskBindings, type TaskInput } from './crm-tasks';
export { checkWebhook, explainBitrixError, listActiveUsers, REQUIRED_SCOPES, type BitrixUser, type WebhookCheck } from './users';
