import { randomBytes } from 'node:crypto';
import type { Sandbox } from '../sandbox';
import { registerConfigSecrets } from '../../config/config-loader';
import { bridgeConfigSchema, type BridgeConfig, type RingostatSettings } from '../../schemas/project-config';

export const DEMO_PROJECT_ID = 'demo';

/**
 * The newcomer's first run: no config given, so one project "demo" writes to an in-process
 * Bitrix24 sandbox (B6) with a senior manager (1) and three employees (101–103 → users 7–9).
 */
export function demoConfig(sandbox: Sandbox, ringostat?: RingostatSettings): BridgeConfig {
  sandbox.admin.createPortal({
    id: DEMO_PROJECT_ID,
    users: [
      { id: 1, name: 'Senior', lastName: 'Manager', extension: '100' },
      { id: 7, name: 'Olena', lastName: 'Koval', extension: '101' },
      { id: 8, name: 'Petro', lastName: 'Shevchenko', extension: '102' },
      { id: 9, name: 'Iryna', lastName: 'Bondar', extension: '103' },
    ],
    dealCategories: [{ id: 3, name: 'Нова' }],
  });
  const webhookUrl = sandbox.admin.createWebhook(DEMO_PROJECT_ID, 1);
  const config = bridgeConfigSchema.parse({
    projects: [{
      id: DEMO_PROJECT_ID,
      timeZone: 'Europe/Kyiv',
      defaultCountry: 'UA',
      bitrix24: { webhookUrl },
      seniorManager: 1,
      // The HTTP endpoints' token; the demo's is new each start (see .data/demo-config.json).
      ingestToken: randomBytes(16).toString('hex'),
      employees: [
        { code: '101', name: 'Olena Koval', bitrix24UserId: 7, extension: '101', sip: ['olena_sip'], missedCallDistribution: true },
        { code: '102', name: 'Petro Shevchenko', bitrix24UserId: 8, extension: '102', sip: ['petro_sip'], missedCallDistribution: true },
        { code: '103', name: 'Iryna Bondar', bitrix24UserId: 9, extension: '103' },
      ],
      customFields: { lead: { utmTerm: 'UF_CRM_RS_TERM', gaClientId: 'UF_CRM_RS_GACID' } },
      pipelines: [{ categoryId: 3, param: 'poolName', equals: 'Контекстная реклама' }],
      // The Ringostat stand-in (../sandbox/ringostat/demo.ts): reconciliation and Smart Phone cards (B7, B9).
      ...(ringostat ? { ringostat } : {}),
    }],
  });
  registerConfigSecrets(config);
  return config;
}
