/**
 * F1–F3 and P5's shape: the responsible resolver with a fake Bitrix24 client and a fake clock.
 * Order lead → deal → contact (routing.order), owner → employee, inactive or unlinked owner →
 * none, warm cache without Bitrix24, deadline → none while the lookup warms the cache, and
 * every failure → none.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BitrixClient } from '../../bitrix/client';
import { BitrixRateLimitedError, BitrixTokenInvalidError } from '../../bitrix/errors';
import { createResponsibleResolver, type ResolverClock, type ResponsibleResolverOptions } from '../../http/routing/responsible-resolver';
import { bridgeConfigSchema, type BridgeConfig } from '../../schemas/project-config';

type Row = Record<string, unknown>;

interface World {
  leads: Row[];
  deals: Row[];
  contacts: Row[];
  users: Row[];
}

/** Timers that fire only when the test advances time. */
function fakeClock(): ResolverClock & { advance(ms: number): Promise<void> } {
  let now = 1_000_000;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      seq += 1;
      timers.set(seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.fn();
        }
      }
      await flush();
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface FakeClient extends BitrixClient {
  requests: string[];
  /** While set, every request waits for it. */
  gate?: Promise<void>;
  /** While set, every request fails with it. */
  failWith?: Error;
}

/** Answers the methods lookupByPhone and the activity check use; every number matches the world. */
function fakeClient(world: World): FakeClient {
  const ids = (rows: Row[]) => rows.map((r) => Number(r.ID));
  const answer = (method: string, params: Record<string, unknown> = {}): unknown => {
    if (method === 'crm.duplicate.findbycomm') {
      const kind = params.entity_type as string;
      const rows = kind === 'LEAD' ? world.leads : world.contacts;
      return rows.length ? { [kind]: ids(rows) } : [];
    }
    if (method === 'crm.lead.list') return world.leads;
    if (method === 'crm.contact.list') return world.contacts;
    if (method === 'crm.deal.list') return world.deals;
    if (method === 'user.get') {
      const id = Number((params.FILTER as Row).ID);
      return world.users.filter((u) => Number(u.ID) === id);
    }
    throw new Error(`fake client: unexpected ${method}`);
  };
  const client: FakeClient = {
    requests: [],
    description: 'https://fake.example/rest/1/***/',
    async call<T>(method: string, params?: Record<string, unknown>) {
      client.requests.push(method);
      await client.gate;
      if (client.failWith) throw client.failWith;
      return answer(method, params) as T;
    },
    async callRaw() {
      throw new Error('not used');
    },
    async batch(cmds) {
      client.requests.push(`batch:${Object.values(cmds).map((c) => c.method).join(',')}`);
      await client.gate;
      if (client.failWith) throw client.failWith;
      const results: Record<string, unknown> = {};
      for (const [key, cmd] of Object.entries(cmds)) results[key] = answer(cmd.method, cmd.params as Record<string, unknown>);
      return { results, errors: {}, totals: {}, nexts: {} };
    },
    async listAll() {
      throw new Error('not used');
    },
    waiting: () => 0,
    headroom: () => Number.POSITIVE_INFINITY,
    stats: () => ({ httpRequests: client.requests.length, commands: client.requests.length }),
  };
  return client;
}

function config(overrides: Record<string, unknown> = {}): BridgeConfig {
  return bridgeConfigSchema.parse({
    projects: [{
      id: 'acme',
      defaultCountry: 'UA',
      bitrix24: { webhookUrl: 'https://acme.bitrix24.ua/rest/1/secretsecret/' },
      seniorManager: 1,
      ingestToken: 'acme-token-0123456789',
      employees: [
        { code: '101', name: 'Olena', bitrix24UserId: 7, extension: '101', sip: ['olena_sip'], phones: ['067 111 22 33'] },
        { code: '102', name: 'Petro', bitrix24UserId: 8, extension: '102', phones: ['0501112233'] },
        { code: '103', name: 'Ivan (left)', bitrix24UserId: 9, sip: ['ivan_sip'] },
      ],
      ...overrides,
    }],
  });
}

const at = '2025-03-01T10:00:00+02:00';
const lead = (id: number, owner: number, semantic = 'P'): Row => ({ ID: String(id), ASSIGNED_BY_ID: String(owner), STATUS_SEMANTIC_ID: semantic, DATE_CREATE: at });
const deal = (id: number, owner: number, contact: number): Row => ({ ID: String(id), ASSIGNED_BY_ID: String(owner), STAGE_SEMANTIC_ID: 'P', CLOSED: 'N', CONTACT_ID: String(contact), DATE_CREATE: at });
const contact = (id: number, owner: number): Row => ({ ID: String(id), ASSIGNED_BY_ID: String(owner), DATE_CREATE: at });
const users: Row[] = [{ ID: '7', ACTIVE: true }, { ID: '8', ACTIVE: true }, { ID: '9', ACTIVE: false }, { ID: '5', ACTIVE: true }];
const world = (parts: Partial<World>): World => ({ leads: [], deals: [], contacts: [], users, ...parts });

function setup(w: World, options: Partial<ResponsibleResolverOptions> & { cfg?: BridgeConfig } = {}) {
  const clock = fakeClock();
  const client = fakeClient(w);
  const resolver = createResponsibleResolver({ config: options.cfg ?? config(), sessions: async () => client, clock, ...options });
  return { clock, client, resolver };
}

const PHONE = '+380931234567';

void describe('responsible resolver: who is responsible (F1)', () => {
  void it('an open lead\'s owner who is an employee: the employee, SIP login as destination, the lead as match', async () => {
    const { resolver } = setup(world({ leads: [lead(11, 7)], contacts: [contact(31, 8)] }));
    const answer = await resolver.resolve('acme', PHONE);
    assert.equal(answer.result, 'matched');
    assert.deepEqual(answer.employee, { code: '101', extension: '101', sip: ['olena_sip'], phones: ['+380671112233'], bitrix24UserId: 7 });
    assert.equal(answer.destination, 'olena_sip');
    assert.deepEqual(answer.matched, { entity: 'lead', id: 11 });
    assert.equal(answer.cached, false);
  });

  void it('no open lead: the open deal\'s owner; no deal: the contact\'s owner; destination falls back to the number', async () => {
    const viaDeal = await setup(world({ leads: [lead(11, 7, 'S')], deals: [deal(21, 8, 31)], contacts: [contact(31, 7)] })).resolver.resolve('acme', PHONE);
    assert.deepEqual([viaDeal.result, viaDeal.matched, viaDeal.destination], ['matched', { entity: 'deal', id: 21 }, '+380501112233']);
    const viaContact = await setup(world({ leads: [lead(11, 7, 'F')], contacts: [contact(31, 8)] })).resolver.resolve('acme', PHONE);
    assert.deepEqual([viaContact.result, viaContact.matched, viaContact.employee?.code], ['matched', { entity: 'contact', id: 31 }, '102']);
  });

  void it('routing.order decides between an open lead and an open deal', async () => {
    const w = world({ leads: [lead(11, 7)], deals: [deal(21, 8, 31)], contacts: [contact(31, 8)] });
    const dealFirst = await setup(w, { cfg: config({ routing: { order: ['deal', 'lead', 'contact'] } }) }).resolver.resolve('acme', PHONE);
    assert.deepEqual(dealFirst.matched, { entity: 'deal', id: 21 });
  });

  void it('a contact-only client when routing.order leaves contacts out: none', async () => {
    const answer = await setup(world({ contacts: [contact(31, 7)] }), { cfg: config({ routing: { order: ['lead', 'deal'] } }) }).resolver.resolve('acme', PHONE);
    assert.deepEqual([answer.result, answer.employee, answer.destination], ['not-routed', null, null]);
  });

  void it('nothing in the CRM: none', async () => {
    const answer = await setup(world({})).resolver.resolve('acme', PHONE);
    assert.deepEqual([answer.result, answer.employee, answer.destination], ['not-found', null, null]);
  });
});

void describe('responsible resolver: F3', () => {
  void it('an owner linked to no employee: none, without asking user.get', async () => {
    const { resolver, client } = setup(world({ leads: [lead(11, 5)] }));
    const answer = await resolver.resolve('acme', PHONE);
    assert.deepEqual([answer.result, answer.employee], ['owner-not-employee', null]);
    assert.equal(client.requests.includes('user.get'), false);
  });

  void it('an inactive owner: none; the user\'s state is cached across numbers', async () => {
    const { resolver, client } = setup(world({ leads: [lead(11, 9)] }));
    assert.equal((await resolver.resolve('acme', PHONE)).result, 'owner-inactive');
    assert.equal((await resolver.resolve('acme', '+380931234568')).result, 'owner-inactive');
    assert.equal(client.requests.filter((r) => r === 'user.get').length, 1);
  });

  void it('an owner the portal no longer lists counts as inactive', async () => {
    const answer = await setup(world({ leads: [lead(11, 8)], users: [] })).resolver.resolve('acme', PHONE);
    assert.equal(answer.result, 'owner-inactive');
  });
});

void describe('responsible resolver: cache and deadline (F2, P5)', () => {
  void it('a warm answer comes from the cache without Bitrix24; it expires after cacheTtlMs', async () => {
    const { resolver, client, clock } = setup(world({ leads: [lead(11, 7)] }), { cacheTtlMs: 60_000 });
    await resolver.resolve('acme', PHONE);
    const sent = client.requests.length;
    const warm = await resolver.resolve('acme', '093 123 45 67'); // the same number, another format
    assert.deepEqual([warm.result, warm.cached], ['matched', true]);
    assert.equal(client.requests.length, sent, 'no request for a warm answer');
    await clock.advance(60_001);
    const cold = await resolver.resolve('acme', PHONE);
    assert.equal(cold.cached, false);
    assert.ok(client.requests.length > sent);
  });

  void it('refresh-ahead: past half its life an answer is served and refreshed in the background', async () => {
    const w = world({ leads: [lead(11, 7)] });
    const { resolver, client, clock } = setup(w, { cacheTtlMs: 60_000 });
    await resolver.resolve('acme', PHONE);
    w.leads = [lead(12, 8)]; // the CRM changed: Petro owns the client now
    await clock.advance(31_000);
    const served = await resolver.resolve('acme', PHONE);
    assert.deepEqual([served.employee?.code, served.cached], ['101', true]);
    await flush();
    const refreshed = await resolver.resolve('acme', PHONE);
    assert.deepEqual([refreshed.employee?.code, refreshed.cached], ['102', true]);
    assert.ok(client.requests.length >= 4);
  });

  void it('a cold lookup slower than the deadline answers none at the deadline, then warms the cache', async () => {
    const { resolver, client, clock } = setup(world({ leads: [lead(11, 7)] }), { deadlineMs: 1500 });
    let open: () => void = () => undefined;
    client.gate = new Promise<void>((resolve) => { open = resolve; });
    const pending = resolver.resolve('acme', PHONE);
    let settled = false;
    void pending.then(() => { settled = true; });
    await clock.advance(1499);
    assert.equal(settled, false, 'still waiting before the deadline');
    await clock.advance(1);
    const answer = await pending;
    assert.deepEqual([answer.result, answer.employee, answer.destination], ['timeout', null, null]);

    client.gate = undefined;
    open();
    await flush();
    const sent = client.requests.length;
    const warm = await resolver.resolve('acme', PHONE);
    assert.deepEqual([warm.result, warm.cached], ['matched', true]);
    assert.equal(client.requests.length, sent, 'the background lookup warmed the cache');
  });

  void it('concurrent rings of one number share one lookup', async () => {
    const { resolver, client } = setup(world({ leads: [lead(11, 7)] }));
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => resolver.resolve('acme', PHONE)));
    assert.ok(answers.every((a) => a.result === 'matched'));
    assert.equal(client.requests.filter((r) => r.startsWith('batch:crm.duplicate')).length, 1);
  });
});

void describe('responsible resolver: every failure is none (F2)', () => {
  void it('rate limited: none, not cached (the next ring asks again)', async () => {
    const { resolver, client } = setup(world({ leads: [lead(11, 7)] }));
    client.failWith = new BitrixRateLimitedError({ code: 'QUERY_LIMIT_EXCEEDED', httpStatus: 503, method: 'batch', description: 'Too many requests', retryAfterMs: 1000 });
    assert.deepEqual([(await resolver.resolve('acme', PHONE)).result], ['rate-limited']);
    client.failWith = undefined;
    assert.equal((await resolver.resolve('acme', PHONE)).result, 'matched');
  });

  void it('a refused webhook: none, and Bitrix24 is left alone for tokenBackoffMs', async () => {
    const { resolver, client, clock } = setup(world({ leads: [lead(11, 7)] }), { tokenBackoffMs: 30_000 });
    client.failWith = new BitrixTokenInvalidError({ code: 'INVALID_CREDENTIALS', httpStatus: 401, method: 'batch', description: 'Invalid request credentials' });
    assert.equal((await resolver.resolve('acme', PHONE)).result, 'token-invalid');
    const sent = client.requests.length;
    assert.equal((await resolver.resolve('acme', '+380931111111')).result, 'token-invalid');
    assert.equal(client.requests.length, sent, 'no request during the back-off');
    client.failWith = undefined;
    await clock.advance(30_001);
    assert.equal((await resolver.resolve('acme', PHONE)).result, 'matched');
  });

  void it('any other error: none', async () => {
    const { resolver, client } = setup(world({ leads: [lead(11, 7)] }));
    client.failWith = new Error('socket hang up');
    const answer = await resolver.resolve('acme', PHONE);
    assert.deepEqual([answer.result, answer.employee, answer.destination], ['error', null, null]);
  });

  void it('an integration marked broken answers none at once, even with a warm cache, without Bitrix24', async () => {
    let status: 'active' | 'broken' = 'active';
    const { resolver, client, clock } = setup(world({ leads: [lead(11, 7)] }), { integrationStatus: async () => status, statusTtlMs: 1000 });
    assert.equal((await resolver.resolve('acme', PHONE)).result, 'matched');
    status = 'broken';
    await clock.advance(1001);
    const sent = client.requests.length;
    assert.equal((await resolver.resolve('acme', PHONE)).result, 'integration-broken');
    assert.equal((await resolver.resolve('acme', '+380931111111')).result, 'integration-broken');
    assert.equal(client.requests.length, sent);
  });

  void it('sessions refusing a broken project (createBitrixSessions) is none too', async () => {
    const resolver = createResponsibleResolver({
      config: config(),
      clock: fakeClock(),
      sessions: async () => {
        throw new BitrixTokenInvalidError({ code: 'INTEGRATION_BROKEN', method: 'credentials', description: 'integration marked broken' });
      },
    });
    assert.equal((await resolver.resolve('acme', PHONE)).result, 'integration-broken');
  });

  void it('an unknown project or a number that is no number: none, without Bitrix24', async () => {
    const { resolver, client } = setup(world({ leads: [lead(11, 7)] }));
    assert.equal((await resolver.resolve('nope', PHONE)).result, 'unknown-project');
    assert.equal((await resolver.resolve('acme', 'anonymous')).result, 'invalid-phone');
    assert.equal(client.requests.length, 0);
  });

  void it('invalidate forgets a project\'s answers', async () => {
    const { resolver, client } = setup(world({ leads: [lead(11, 7)] }));
    await resolver.resolve('acme', PHONE);
    resolver.invalidate('acme');
    const sent = client.requests.length;
    assert.equal((await resolver.resolve('acme', PHONE)).cached, false);
    assert.ok(client.requests.length > sent);
  });
});
