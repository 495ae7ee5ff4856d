export { createActivities, type ActivityDeps, type BridgeActivities } from './create-activities';
export type { CallActivities, IntegrationActivities } from './activity-types';
export { entityMarker, taskXmlId } from './markers';
