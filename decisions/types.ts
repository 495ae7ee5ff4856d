import type { ProjectConfig } from '../schemas/project-config';

/**
 * The part of a project's config the decision table reads. Workflows hold the project without
 * its secrets (bitrix24, ingestToken), so the planners ask for no more than this.
 */
export type DecisionProject = Pick<ProjectConfig, 'id' | 'seniorManager' | 'employees' | 'scenario' | 'customFields' | 'pipelines'>;
