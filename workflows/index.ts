export { callWorkflow } from './call-workflow';
export { clientLockWorkflow } from './client-lock-workflow';
export { integrationWorkflow } from './integration-workflow';
export { reconcileWorkflow } from './reconcile-workflow';
