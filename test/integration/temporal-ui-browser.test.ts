/**
 * B4, issue 9 item 4: the Temporal Web UI as the operators' call log. A call goes the real path
 * (Kafka → dispatcher → Temporal → the Bitrix24 sandbox); then Debian's Chromium, driven by
 * playwright-core (no browser download), opens the dev server's UI, filters the project's calls
 * in the query box, opens the call, and finds its summary (direction and client number), its
 * search attributes (ProjectId, CallId, CallPhase) on the page. The screenshot is kept in
 * test-artifacts/ (and, with UPDATE_SCREENSHOTS=1, as docs/temporal-ui-call.png for the README).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = join(__dirname, '..', '..');
const ARTIFACTS = join(root, 'test-artifacts');
const CLIENT = '+380671234567';

void describe('the Temporal UI as a call log (B4)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let projectId: string;

  before(async () => {
    const ui = process.env.TEMPORAL_UI_URL;
    assert.ok(ui, 'TEMPORAL_UI_URL is not set: run through tools/testkit/run-tests.ts, which starts the dev server with its UI');
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`);
    h = await startHarness({ projects: [{ id: 'ui' }] });
    projectId = h.projectIds[0]!;
    // Root in CI: Chromium's sandbox needs user namespaces that containers rarely grant.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  void it('filters the project\'s calls, opens one, and shows its summary, phase and ids', async () => {
    const events = callEvents({ projectId, clientNumber: CLIENT, employee: { staffId: '101' } });
    const callId = events[0]!.callId;
    await h.publish(events);
    const result = await h.callResult(projectId, callId);
    assert.equal(result.phase, 'completed');
    const workflowId = `call:${projectId}:${callId}`;

    await page.goto(`${process.env.TEMPORAL_UI_URL}/namespaces/default/workflows`);
    // The query box: the list's raw-query mode, as an operator types a saved view's filter.
    await page.getByTestId('toggle-manual-query').click();
    const queryBox = page.getByTestId('workflow-manual-search-input');
    await queryBox.fill(`ProjectId="${projectId}" AND CallPhase="completed"`);
    await queryBox.press('Enter');
    // Visibility is eventually consistent: the UI's Refresh until the call is listed.
    const row = page.getByRole('link', { name: workflowId });
    for (let i = 0; i < 20 && !(await row.isVisible()); i += 1) {
      await page.waitForTimeout(1_000);
      await page.getByRole('button', { name: 'Refresh' }).click().catch(() => undefined);
    }
    await row.click();

    await page.waitForURL(/\/workflows\/call/);
    const header = await pageText(page);
    // Its search attributes, as the operator filtered them.
    await page.getByText('Search Attributes', { exact: true }).first().click();
    await page.getByText('CallPhase').first().waitFor({ timeout: 15_000 });
    const attributes = await page.locator('body').innerText();
    // The one-line summary (user metadata): set at start (direction, number) and, while it runs
    // and after, the workflow's current details (who answered, outcome, CRM ids).
    await page.getByText('User Metadata', { exact: true }).first().click();
    await page.getByText('Current Details').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(2_000);
    // The UI renders the summary and details (markdown) in frames of their own.
    const metadata = (await Promise.all(page.frames().map((frame) => frame.locator('body').innerText().catch(() => '')))).join('\n');
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'temporal-ui-call.png');
    await page.screenshot({ path: shot, fullPage: false });
    writeFileSync(join(ARTIFACTS, 'temporal-ui-call.txt'), `${attributes}\n---\n${metadata}`);
    if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(shot, join(root, 'docs', 'temporal-ui-call.png'));

    assert.ok(header.includes(workflowId), 'the call workflow is open');
    const expected: Array<[string, string]> = [['ProjectId', projectId], ['CallId', callId], ['CallPhase', 'completed'], ['ClientNumber', CLIENT]];
    for (const [key, value] of expected) {
      assert.match(attributes, new RegExp(`${key}[\\s\\S]{0,80}${value.replace('+', '\\+')}`), `${key} ${value} on the page`);
    }
    // The one-line summary: the direction and the client's number; the details: who answered, what was written.
    assert.match(metadata, new RegExp(`[Ii]ncoming[^\\n]*${CLIENT.replace('+', '\\+')}`), 'summary with direction and number');
    assert.match(metadata, new RegExp(`answered by Olena Koval[^\\n]*lead-created \\(lead ${result.crm.leadId}`), 'current details: who answered, the outcome and the CRM ids');
  });
});

/** The page's visible text, once the workflow's details have rendered. */
async function pageText(page: Page): Promise<string> {
  await page.getByText('Workflow Type', { exact: false }).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
  await page.waitForTimeout(1_000);
  return page.locator('body').innerText();
}
