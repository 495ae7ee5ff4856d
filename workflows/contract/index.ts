/**
 * The workflows' contract (docs/contracts.md §3), defined here once: the task queue and workflow ids,
 * the signals, queries and updates, the search attributes, the activity interfaces and the
 * failure types. Workflows and their callers (dispatcher, CLI, activities, tools) both import it;
 * it holds no workflow code and does no I/O. Callers start a workflow by its function
 * (`workflows/index.ts`), never by a type name written as a string.
 */
export * from './ids';
export * from './messages';
export * from './search-attributes';
export * from './failure-types';
export type {
  CallActivities, CallSettings, IntegrationActivities, LegacyCallActivities, RingostatActivities,
} from './activities';
