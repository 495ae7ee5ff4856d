import { z } from 'zod';
import { isLoopbackHost } from '../platform/loopback';

/** Parameters a custom-field map or a pipeline rule may read (docs/contracts.md §2). */
export const sourceParams = [
  'utmSource', 'utmMedium', 'utmCampaign', 'utmContent', 'utmTerm',
  'gclid', 'gaClientId', 'poolName', 'landingPage', 'referrer',
  'lineNumber', 'direction',
] as const;

const ufField = z.string().regex(/^UF_CRM_[A-Z0-9_]{1,43}$/, 'must be a Bitrix24 user field name like UF_CRM_RS_TERM');
const bitrixUserId = z.number().int().positive();

export const employeeSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  email: z.string().optional(),
  bitrix24UserId: bitrixUserId,
  extension: z.string().min(1).optional(),
  sip: z.array(z.string().min(1)).default([]),
  phones: z.array(z.string().min(1)).default([]),
  missedCallDistribution: z.boolean().default(false),
});

export const scenarioSchema = z.object({
  entities: z.enum(['lead', 'contact', 'lead+contact', 'deal+contact']).default('lead'),
  createOn: z.enum(['ringing', 'answer', 'completion']).default('answer'),
  leadOnlyIfNoContact: z.boolean().default(false),
  contactOwnerTaskHours: z.number().positive().max(24 * 30).default(3),
  missedNewClientAssignee: z.enum(['senior', 'round-robin']).default('senior'),
});

/** Ringostat parameter (a source field, lineNumber, direction or any `extra` key) → UF_CRM_* field. */
const customFieldMap = z.record(z.string().min(1), ufField).default({});

export const customFieldsSchema = z.object({
  lead: customFieldMap,
  deal: customFieldMap,
  contact: customFieldMap,
});

export const pipelineRuleSchema = z.object({
  categoryId: z.number().int().nonnegative(),
  param: z.string().min(1),
  equals: z.string(),
});

export const routingSchema = z.object({
  order: z.array(z.enum(['lead', 'deal', 'contact'])).min(1).default(['lead', 'deal', 'contact']),
});

export const bitrixSettingsSchema = z.object({
  /** https://{portal}/rest/{user_id}/{secret}/ — a secret: never logged, never in history. */
  webhookUrl: z.string().min(1),
  /** Leaky bucket of the portal's plan: 2/s with a burst of 50 on standard plans, 5/250 on Enterprise. */
  rateLimit: z.object({ perSecond: z.number().positive(), burst: z.number().int().positive() }).default({ perSecond: 2, burst: 50 }),
});

/** `90s`, `5m`, `1h`, `1d`: the period of the reconciliation schedule (Temporal reads this form too). */
export const reconcilePeriod = z.string().regex(/^[1-9]\d*(s|m|h|d)$/, 'must be a period like 90s, 5m, 1h or 1d');

const PERIOD_UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A valid `reconcilePeriod` in milliseconds. */
export function periodMs(period: string): number {
  const unit = period.slice(-1) as keyof typeof PERIOD_UNIT_MS;
  return Number(period.slice(0, -1)) * PERIOD_UNIT_MS[unit];
}

export const ringostatSettingsSchema = z
  .object({
    /** The `Auth-key` header (Ringostat: personal account → Integration → Ringostat API). A secret: never logged, never in history. */
    apiKey: z.string().min(8),
    /** The `x-project-id` header: Ringostat's numeric project id. */
    projectId: z.string().regex(/^\d{1,20}$/, 'must be Ringostat\'s numeric project id, e.g. "123456"'),
    baseUrl: z.string().default('https://api.ringostat.net'),
    /** B7: how often the call log is compared with what the bridge saw; off when absent. */
    reconcileEvery: reconcilePeriod.optional(),
  })
  .superRefine((settings, ctx) => {
    let url: URL;
    try {
      url = new URL(settings.baseUrl);
    } catch {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'must be a URL like https://api.ringostat.net' });
      return;
    }
    // The Auth-key travels in a header: plain http only towards this machine (the stand-in).
    const plainOk = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !plainOk) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'must be https:// (http:// only for 127.0.0.1 or localhost)' });
    }
  });

export const projectConfigSchema = z
  .object({
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, _ and -'),
    timeZone: z.string().default('Europe/Kyiv'),
    defaultCountry: z.string().length(2).default('UA'),
    bitrix24: bitrixSettingsSchema,
    seniorManager: bitrixUserId,
    employees: z.array(employeeSchema).default([]),
    scenario: scenarioSchema.default(scenarioSchema.parse({})),
    customFields: customFieldsSchema.default(customFieldsSchema.parse({})),
    pipelines: z.array(pipelineRuleSchema).default([]),
    routing: routingSchema.default(routingSchema.parse({})),
    resendOnReactivation: z.boolean().default(true),
    /** Token for the ingest and routing endpoints (R5). */
    ingestToken: z.string().min(16).optional(),
    /** Ringostat's API, for reconciliation (B7) and Smart Phone cards (B9). */
    ringostat: ringostatSettingsSchema.optional(),
  })
  .superRefine((project, ctx) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: project.timeZone });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: `unknown IANA time zone "${project.timeZone}"` });
    }
    // S9: two parameters may not write one field of one entity.
    for (const entity of ['lead', 'deal', 'contact'] as const) {
      const seen = new Map<string, string>();
      for (const [param, field] of Object.entries(project.customFields[entity])) {
        const other = seen.get(field);
        if (other) {
          ctx.addIssue({
            code: 'custom',
            path: ['customFields', entity, param],
            message: `${field} is already mapped from "${other}": two parameters may not map to one field`,
          });
        }
        seen.set(field, param);
      }
    }
    const codes = new Set<string>();
    project.employees.forEach((employee, i) => {
      if (codes.has(employee.code)) {
        ctx.addIssue({ code: 'custom', path: ['employees', i, 'code'], message: `duplicate employee code "${employee.code}"` });
      }
      codes.add(employee.code);
    });
  });

export const bridgeConfigSchema = z
  .object({ projects: z.array(projectConfigSchema).min(1, 'at least one project is required') })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.projects.forEach((project, i) => {
      if (ids.has(project.id)) ctx.addIssue({ code: 'custom', path: ['projects', i, 'id'], message: `duplicate project id "${project.id}"` });
      ids.add(project.id);
    });
  });

export type ProjectConfig = z.infer<typeof projectConfigSchema>;
export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;
export type Employee = z.infer<typeof employeeSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type PipelineRule = z.infer<typeof pipelineRuleSchema>;
export type RingostatSettings = z.infer<typeof ringostatSettingsSchema>;
export type EntityKind = 'lead' | 'deal' | 'contact';
