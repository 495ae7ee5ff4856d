export { createActivities, entityMarker, taskXmlId, type ActivityDeps } from './create-activities';
export type { BridgeActivities } from './activity-types';
