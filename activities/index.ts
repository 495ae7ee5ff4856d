export { createActivities, type ActivityDeps, type BridgeActivities } from './create-activities';
export { entityMarker, taskXmlId } from './markers';
