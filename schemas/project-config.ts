import { getCountries, isValidPhoneNumber, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { isLoopbackHost } from '../platform/loopback';

/*
 * Every object here is strict: an unknown key is an error, in `config check` (which names the
 * nearest known key) and in the JSON Schema (`additionalProperties: false`), so an editor catches
 * the typo too. Messages quote the value that is wrong, except for secrets (webhookUrl, apiKey,
 * ingestToken), whose messages never quote them (R4).
 */

/** What a phone number may look like at all (also the JSON Schema's pattern); its validity needs the project's country. */
const PHONE_SHAPE = /^\+?[\d\s().-]{2,30}$/;
const notAPhone = (value: unknown) => `${JSON.stringify(value)} is not a valid phone number`;

/** Parameters a custom-field map or a pipeline rule may read (docs/contracts.md §2). */
export const sourceParams = [
  'utmSource', 'utmMedium', 'utmCampaign', 'utmContent', 'utmTerm',
  'gclid', 'gaClientId', 'poolName', 'landingPage', 'referrer',
  'lineNumber', 'direction',
] as const;

const ufField = z.string().regex(/^UF_CRM_[A-Z0-9_]{1,43}$/, 'must be a Bitrix24 user field name like UF_CRM_RS_TERM');
const bitrixUserId = z.number().int().positive();

export const employeeSchema = z.strictObject({
  code: z.string().min(1),
  name: z.string().min(1),
  email: z.email({ error: (issue) => `${JSON.stringify(issue.input)} is not an e-mail address` }).optional(),
  bitrix24UserId: bitrixUserId,
  extension: z.string().min(1).optional(),
  sip: z.array(z.string().min(1)).default([]),
  /** Checked against the project's defaultCountry (projectConfigSchema), so every one normalises to E.164. */
  phones: z.array(z.string().regex(PHONE_SHAPE, { error: (issue) => notAPhone(issue.input) })).default([]),
  missedCallDistribution: z.boolean().default(false),
});

export const scenarioSchema = z.strictObject({
  entities: z.enum(['lead', 'contact', 'lead+contact', 'deal+contact']).default('lead'),
  createOn: z.enum(['ringing', 'answer', 'completion']).default('answer'),
  leadOnlyIfNoContact: z.boolean().default(false),
  contactOwnerTaskHours: z.number().positive().max(24 * 30).default(3),
  missedNewClientAssignee: z.enum(['senior', 'round-robin']).default('senior'),
});

/** Ringostat parameter (a source field, lineNumber, direction or any `extra` key) → UF_CRM_* field. */
const customFieldMap = z.record(z.string().min(1), ufField).default({});

export const customFieldsSchema = z.strictObject({
  lead: customFieldMap,
  deal: customFieldMap,
  contact: customFieldMap,
});

export const pipelineRuleSchema = z.strictObject({
  categoryId: z.number().int().nonnegative(),
  param: z.string().min(1),
  equals: z.string(),
});

export const routingSchema = z.strictObject({
  order: z.array(z.enum(['lead', 'deal', 'contact'])).min(1).default(['lead', 'deal', 'contact']),
});

export const bitrixSettingsSchema = z.strictObject({
  /**
   * https://{portal}/rest/{user_id}/{secret}/ — a secret: never logged, never in history, never
   * quoted in a message. config/config-loader.ts checks its form (bitrix/webhook-url.ts).
   */
  webhookUrl: z.url({ error: 'must be a URL like https://{portal}/rest/{user_id}/{secret}/' }),
  /** Leaky bucket of the portal's plan: 2/s with a burst of 50 on standard plans, 5/250 on Enterprise. */
  rateLimit: z.strictObject({ perSecond: z.number().positive(), burst: z.number().int().positive() }).default({ perSecond: 2, burst: 50 }),
});

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `90s`, `5m`, `1h`, `1d`: the period of the reconciliation schedule (Temporal reads this form too). */
export const reconcilePeriod = z.string().regex(/^[1-9]\d*(s|m|h|d)$/, 'must be a period like 90s, 5m, 1h or 1d');

const PERIOD_UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A valid `reconcilePeriod` in milliseconds. */
export function periodMs(period: string): number {
  const unit = period.slice(-1) as keyof typeof PERIOD_UNIT_MS;
  return Number(period.slice(0, -1)) * PERIOD_UNIT_MS[unit];
}

export const ringostatSettingsSchema = z
  .strictObject({
    /** The `Auth-key` header (Ringostat: personal account → Integration → Ringostat API). A secret: never logged, never in history. */
    apiKey: z.string().min(8),
    /** The `x-project-id` header: Ringostat's numeric project id. */
    projectId: z.string().regex(/^\d{1,20}$/, 'must be Ringostat\'s numeric project id, e.g. "123456"'),
    baseUrl: z.url({ protocol: /^https?$/, error: (issue) => `${JSON.stringify(issue.input)} is not an http(s) URL like https://api.ringostat.net` }).default('https://api.ringostat.net'),
    /** B7: how often the call log is compared with what the bridge saw; off when absent. */
    reconcileEvery: reconcilePeriod.optional(),
    /**
     * The Ringostat account's IANA zone: its API takes and prints dates on this wall clock.
     * Default: the project's timeZone (ringostatTimeZone()).
     */
    timeZone: z.string().optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.timeZone !== undefined && !isTimeZone(settings.timeZone)) {
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: `unknown IANA time zone "${settings.timeZone}"` });
    }
    // zod runs this even when baseUrl failed its own check, which has said what is wrong.
    const url = URL.parse(settings.baseUrl);
    if (!url || !/^https?:$/.test(url.protocol)) return;
    // The Auth-key travels in a header: plain http only towards this machine (the stand-in).
    const plainOk = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !plainOk) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'must be https:// (http:// only for 127.0.0.1 or localhost)' });
    }
  });

/** The countries libphonenumber-js knows, as ISO 3166-1 alpha-2 codes (the JSON Schema lists them). */
const countryCodes = getCountries() as [CountryCode, ...CountryCode[]];

export const projectConfigSchema = z
  .strictObject({
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, _ and -'),
    timeZone: z.string().default('Europe/Kyiv'),
    defaultCountry: z.enum(countryCodes, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a country code libphonenumber-js knows (ISO 3166-1 alpha-2 in capitals, e.g. UA, PL, DE)`,
    }).default('UA'),
    bitrix24: bitrixSettingsSchema,
    seniorManager: bitrixUserId,
    employees: z.array(employeeSchema).default([]),
    scenario: scenarioSchema.default(scenarioSchema.parse({})),
    customFields: customFieldsSchema.default(customFieldsSchema.parse({})),
    pipelines: z.array(pipelineRuleSchema).default([]),
    routing: routingSchema.default(routingSchema.parse({})),
    resendOnReactivation: z.boolean().default(true),
    /** Token for the ingest and routing endpoints (R5). */
    ingestToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Ringostat's API, for reconciliation (B7) and Smart Phone cards (B9). */
    ringostat: ringostatSettingsSchema.optional(),
  })
  .superRefine((project, ctx) => {
    if (!isTimeZone(project.timeZone)) {
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
      // B1, M2: a number that does not normalise would be compared and handed to Ringostat as written.
      employee.phones.forEach((phone, j) => {
        if (PHONE_SHAPE.test(phone) && !isValidPhoneNumber(phone, project.defaultCountry)) {
          const read = phone.trim().startsWith('+') ? '' : ` (without a leading +, it is read as a ${project.defaultCountry} number)`;
          ctx.addIssue({ code: 'custom', path: ['employees', i, 'phones', j], message: `${notAPhone(phone)}${read}` });
        }
      });
    });
  });

export const bridgeConfigSchema = z
  .strictObject({ projects: z.array(projectConfigSchema).min(1, 'at least one project is required') })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.projects.forEach((project, i) => {
      if (ids.has(project.id)) ctx.addIssue({ code: 'custom', path: ['projects', i, 'id'], message: `duplicate project id "${project.id}"` });
      ids.add(project.id);
    });
  });

export type ProjectConfig = z.infer<typeof projectConfigSchema>;

/**
 * The wall clock Ringostat's dates are on — its API's `from`/`to`, call-log `calldate`s, the
 * webhooks' dates: the account's `ringostat.timeZone`, else the project's.
 */
export function ringostatTimeZone(project: Pick<ProjectConfig, 'timeZone' | 'ringostat'>): string {
  return project.ringostat?.timeZone ?? project.timeZone;
}
export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;
export type Employee = z.infer<typeof employeeSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type PipelineRule = z.infer<typeof pipelineRuleSchema>;
export type RingostatSettings = z.infer<typeof ringostatSettingsSchema>;
export type EntityKind = 'lead' | 'deal' | 'contact';
