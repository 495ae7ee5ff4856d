/** The Ringostat API client against the stand-in: headers, the stand-in's error shapes, limits and window reads. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRingostatClient } from '../../ringostat/api-client';
import { RingostatApiError } from '../../ringostat/api-errors';
import { readCallLog } from '../../ringostat/call-log';
import { formatRingostatDate } from '../../ringostat/dates';
import { startRingostatStandIn, type RingostatStandIn } from '../../tools/sandbox/ringostat';

const KEY = 'rs-secret-key-42';
const zone = 'Europe/Kyiv';
const contact = (externalId: string) => ({
  projectId: 555, fullName: 'Client', origin: 'Bitrix24', externalId, leadId: null, responsible: '7', staffId: '101',
  contactLink: null, leadLink: null, dealLink: null, googleClientId: null,
  contactDirections: [{ type: 'phone' as const, name: 'work', value: externalId }], organizations: [],
});

async function failure(run: () => Promise<unknown>): Promise<RingostatApiError> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof RingostatApiError, String(err));
    assert.ok(!err.message.includes(KEY), `the key leaked: ${err.message}`);
    return err;
  }
  assert.fail('no error');
}

describe('Ringostat API client and stand-in', () => {
  let standIn: RingostatStandIn;
  const client = (overrides: { apiKey?: string; projectId?: string } = {}) => createRingostatClient({
    settings: { apiKey: overrides.apiKey ?? KEY, projectId: overrides.projectId ?? '555', baseUrl: standIn.baseUrl }, timeZone: zone,
  });
  const start = Date.now() - 60 * 60_000;

  before(async () => {
    standIn = await startRingostatStandIn({ maxRows: 5, maxContactsPerSync: 3, rateLimit: { perSecond: 1, burst: 40 } });
    standIn.admin.createProject({ projectId: '555', apiKey: KEY, timeZone: zone });
    standIn.admin.createProject({ projectId: '556', apiKey: 'other-key-0000', timeZone: zone });
    standIn.admin.registerCalls('555', Array.from({ length: 12 }, (_, i) => ({
      uniqueid: `c${i}`, calldate: formatRingostatDate(start + i * 60_000, zone), caller: '0981234567', dst: '0443334401',
      call_type: 'in', disposition: 'ANSWERED', billsec: 10,
    })));
  });
  after(async () => {
    await standIn?.stop();
  });

  it('reads a window with Auth-key and x-project-id; the 5-row limit makes it split the window', async () => {
    const rows = await readCallLog(client(), { from: new Date(start), to: new Date(start + 11 * 60_000) }, { maxRows: 5 });
    assert.deepEqual(rows.map((r) => r.uniqueid).sort(), Array.from({ length: 12 }, (_, i) => `c${i}`).sort());
    const listed = standIn.admin.requests('555').filter((r) => r.path === '/calls/list');
    assert.ok(listed.length >= 3, `requests: ${listed.length}`);
    assert.equal(rows[0]?.disposition, 'ANSWERED');
  });

  it('a wrong key or a foreign project: HTTP 200 with `error` in the body → auth error, not retriable', async () => {
    const wrongKey = await failure(() => client({ apiKey: 'wrong-key-123' }).listCalls({ from: new Date(start), to: new Date() }, ['uniqueid']));
    assert.equal(wrongKey.kind, 'auth');
    assert.equal(wrongKey.retriable, false);
    assert.equal(wrongKey.name, 'RingostatAuthError');
    const foreign = await failure(() => client({ projectId: '556' }).syncContacts([contact('+380981234567')]));
    assert.equal(foreign.kind, 'auth');
  });

  it('an unknown field (text "incorrect field") and a malformed or oversized sync are bad requests', async () => {
    assert.equal((await failure(() => client().listCalls({ from: new Date(start), to: new Date() }, ['uniqueid', 'nonsense']))).kind, 'bad-request');
    const tooMany = await failure(() => client().syncContacts(['+1', '+2', '+3', '+4'].map(contact)));
    assert.equal(tooMany.kind, 'bad-request');
    assert.equal(tooMany.status, 400);
  });

  it('syncs contacts idempotently by externalId', async () => {
    await client().syncContacts([contact('+380981234567'), contact('+380501112233')]);
    await client().syncContacts([{ ...contact('+380981234567'), fullName: 'Renamed' }]);
    const book = standIn.admin.contacts('555');
    assert.equal(book.length, 2);
    const renamed = book.find((c) => c.externalId === '+380981234567');
    assert.equal(renamed?.fullName, 'Renamed');
    assert.equal(renamed?.syncCount, 2);
  });

  it('down → unavailable (retriable); over the rate → 429 with Retry-After', async () => {
    standIn.admin.goDown(60_000);
    const down = await failure(() => client().syncContacts([contact('+380981234567')]));
    assert.equal(down.kind, 'unavailable');
    assert.equal(down.retriable, true);
    assert.equal(down.status, 503);
    standIn.admin.goDown(0);
    let limited: RingostatApiError | undefined;
    for (let i = 0; i < 60 && !limited; i += 1) {
      limited = await client().syncContacts([contact('+380981234567')]).then(() => undefined, (err: RingostatApiError) => err);
    }
    assert.equal(limited?.kind, 'rate-limited');
    assert.ok((limited?.retryAfterMs ?? 0) >= 1000);
  });

  it('nobody listening → unavailable', async () => {
    const gone = createRingostatClient({ settings: { apiKey: KEY, projectId: '555', baseUrl: 'http://127.0.0.1:9' }, timeZone: zone });
    assert.equal((await failure(() => gone.syncContacts([contact('+380981234567')]))).kind, 'unavailable');
  });
});
