// The workflow types a bridge worker registers: the bundle's entry point, and what callers start
// workflows by (the function, whose name is the type). Their contract is in ./contract.
// Version 2: what new calls and integrations run.
export { callWorkflowV2 } from './call-workflow';
export { integrationWorkflowV2 } from './integration-workflow';
// B2: where a project's new clients are created, a few shards a project, started by a call's activity.
export { clientCreationShardWorkflow } from './client-creation-shard-workflow';
// B2 before the shards: a workflow a number. Runs open at an upgrade finish on it.
export { clientCreationWorkflow } from './client-creation-workflow';
// Version 1, frozen: calls and integrations started before version 2 finish on it (docs/upgrades.md).
export { callWorkflow } from './legacy/call-workflow-v1';
export { clientLockWorkflow } from './legacy/client-lock-workflow';
export { integrationWorkflow } from './legacy/integration-workflow-v1';
// Ringostat call-log reconciliation (B7), run by a Schedule per project.
export { reconcileWorkflow } from './reconcile-workflow';
// The work after a reactivation (T3/T4), started by the integration workflow.
export { reactivationWorkflow } from './reactivation-workflow';
