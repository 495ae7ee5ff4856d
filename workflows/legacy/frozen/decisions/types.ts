// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/types.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/types.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { ProjectConfig } from '../../../../schemas/project-config';

/**
 * The part of a project's config the decision table reads. Workflows hold the project without
 * its secrets (bitrix24, ingestToken), so the planners ask for no more than this.
 */
export type DecisionProject = Pick<ProjectConfig, 'id' | 'seniorManager' | 'employees' | 'scenario' | 'customFields' | 'pipelines'>;
