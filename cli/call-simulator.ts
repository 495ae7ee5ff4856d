import { CALL_EVENT_SCHEMA, type CallEvent, type CallSource, type Direction, type EmployeeRef } from '../schemas/call-event';

/**
 * Realistic Ringostat call events for demos, load and acceptance runs (`bridge simulate`).
 * Everything derives from one seed, so a run that found a bug can be replayed exactly.
 */

/** Tiny seeded PRNG (mulberry32): deterministic, no dependency, good enough for test data. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function createPrng(seed: number): Prng {
  let state = Math.floor(seed) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    chance: (probability) => next() < probability,
  };
}

/** The employee fields the simulator uses; a project's config employees fit as they are. */
export interface SimulatedEmployee {
  code: string;
  name?: string;
  extension?: string;
  sip?: readonly string[];
}

export interface SimulateOptions {
  projectId: string;
  calls: number;
  seed: number;
  startAt: Date;
  /** Without employees (an empty config) three stand-ins answer, so every scenario still occurs. */
  employees?: readonly SimulatedEmployee[];
  /** Mean gap between the starts of two calls (exponentially distributed); default 20 s. */
  meanGapSeconds?: number;
  /** Share (0–1) of calls whose webhooks are lost: they exist only in Ringostat's call log (B7). */
  loseWebhooks?: number;
}

export const callScenarios = [
  'incoming-answered', 'incoming-no-answer', 'incoming-busy', 'incoming-failed', 'voicemail',
  'callback-answered', 'outgoing-answered', 'outgoing-no-answer', 'outgoing-busy',
] as const;
export type CallScenario = (typeof callScenarios)[number];

export interface SimulatedCall {
  callId: string;
  scenario: CallScenario;
  direction: Direction;
  clientNumber: string;
  /** Only `call.ended`, as Ringostat's after-call webhooks send it. */
  endedOnly: boolean;
  /** Its events never reach Kafka; only reconciliation from the call log can find it (B7). */
  webhookLost: boolean;
  events: CallEvent[];
}

// Shares roughly like a small sales team's day: most incoming calls answered, a fifth missed.
const scenarioWeights: readonly [CallScenario, number][] = [
  ['incoming-answered', 45], ['incoming-no-answer', 14], ['incoming-busy', 6], ['incoming-failed', 2],
  ['voicemail', 8], ['callback-answered', 3], ['outgoing-answered', 15], ['outgoing-no-answer', 5], ['outgoing-busy', 2],
];

const fallbackEmployees: readonly SimulatedEmployee[] = [
  { code: '101', name: 'Olena Koval', extension: '101', sip: ['olena_sip'] },
  { code: '102', name: 'Taras Melnyk', extension: '102', sip: ['taras_sip'] },
  { code: '103', name: 'Iryna Bondar', extension: '103' },
];

// Ukrainian mobile operator codes (Kyivstar, Vodafone, lifecell).
const operatorCodes = ['50', '63', '66', '67', '68', '73', '93', '95', '96', '97', '98', '99'];

/** The same number the ways people and systems write it (B1 must make them one contact). */
const numberFormats: readonly ((code: string, rest: string) => string)[] = [
  (code, rest) => `0${code}${rest}`,
  (code, rest) => `+380 ${code} ${rest.slice(0, 3)} ${rest.slice(3, 5)} ${rest.slice(5)}`,
  (code, rest) => `380${code}${rest}`,
  (code, rest) => `+380${code}${rest}`,
  (code, rest) => `(0${code}) ${rest.slice(0, 3)}-${rest.slice(3, 5)}-${rest.slice(5)}`,
];

interface TrackingPool {
  poolName: string;
  lineNumber: string;
  source: (rng: Prng) => CallSource;
}

const landingPages = ['https://shop.example.com/', 'https://shop.example.com/sofas', 'https://shop.example.com/delivery', 'https://shop.example.com/sale'];
const campaigns = ['brand', 'sofas_kyiv', 'spring_sale', 'remarketing'];
const terms = ['купити диван', 'диван київ', 'кутовий диван', 'меблі недорого'];

function gaClientId(rng: Prng): string {
  return `${rng.int(100_000_000, 2_147_483_647)}.${rng.int(1_700_000_000, 1_780_000_000)}`;
}

function token(rng: Prng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

const trackingPools: readonly TrackingPool[] = [
  {
    poolName: 'Контекстная реклама', lineNumber: '+380443334401',
    source: (rng) => ({
      utmSource: 'google', utmMedium: 'cpc', utmCampaign: rng.pick(campaigns), utmTerm: rng.pick(terms),
      gclid: token(rng, 24), gaClientId: gaClientId(rng), poolName: 'Контекстная реклама',
      landingPage: rng.pick(landingPages), referrer: 'https://www.google.com/',
    }),
  },
  {
    poolName: 'Facebook', lineNumber: '+380443334402',
    source: (rng) => ({
      utmSource: 'facebook', utmMedium: 'paid_social', utmCampaign: rng.pick(campaigns), utmContent: `ad_${rng.int(1, 9)}`,
      gaClientId: gaClientId(rng), poolName: 'Facebook', landingPage: rng.pick(landingPages), referrer: 'https://l.facebook.com/',
    }),
  },
  {
    poolName: 'SEO', lineNumber: '+380443334403',
    source: (rng) => ({
      utmSource: 'google', utmMedium: 'organic', gaClientId: gaClientId(rng), poolName: 'SEO',
      landingPage: rng.pick(landingPages), referrer: 'https://www.google.com/',
    }),
  },
  {
    poolName: 'Прямі заходи', lineNumber: '+380443334404',
    source: (rng) => ({ gaClientId: gaClientId(rng), poolName: 'Прямі заходи', landingPage: rng.pick(landingPages) }),
  },
];

/** The company's main number, shown as the caller id of outgoing calls. */
const mainLine = '+380443334400';

function pickWeighted<T>(rng: Prng, weighted: readonly [T, number][]): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = rng.next() * total;
  for (const [item, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return (weighted[weighted.length - 1] as [T, number])[0];
}

function employeeRef(employee: SimulatedEmployee): EmployeeRef {
  const ref: EmployeeRef = { staffId: employee.code };
  if (employee.extension) ref.extension = employee.extension;
  if (employee.sip?.[0]) ref.sip = employee.sip[0];
  if (employee.name) ref.name = employee.name;
  return ref;
}

/** A call's facts, before they are cut into events. */
interface CallPlan {
  scenario: CallScenario;
  direction: Direction;
  answered: boolean;
  disposition: NonNullable<CallEvent['disposition']>;
  rawDisposition: string;
  waitSeconds: number;
  talkSeconds: number;
  recorded: boolean;
}

function planCall(rng: Prng, scenario: CallScenario): CallPlan {
  const direction: Direction = scenario.startsWith('outgoing') ? 'outgoing' : scenario.startsWith('callback') ? 'callback' : 'incoming';
  const base = { scenario, direction, waitSeconds: rng.int(2, 25), talkSeconds: 0, recorded: false, answered: false };
  switch (scenario) {
    case 'incoming-answered':
    case 'callback-answered':
    case 'outgoing-answered':
      // Most calls are short; a few long consultations.
      return { ...base, answered: true, recorded: true, disposition: 'answered', rawDisposition: 'ANSWERED',
        talkSeconds: rng.chance(0.15) ? rng.int(300, 1200) : rng.int(12, 240) };
    case 'incoming-no-answer':
      return { ...base, disposition: 'no_answer', rawDisposition: 'NO ANSWER', waitSeconds: rng.int(20, 60) };
    case 'outgoing-no-answer':
      return { ...base, disposition: 'no_answer', rawDisposition: 'CLIENT NO ANSWER', waitSeconds: rng.int(20, 45) };
    case 'incoming-busy':
    case 'outgoing-busy':
      return { ...base, disposition: 'busy', rawDisposition: 'BUSY', waitSeconds: rng.int(0, 5) };
    case 'incoming-failed':
      return { ...base, disposition: 'failed', rawDisposition: rng.pick(['FAILED', 'NO-FORWARD']), waitSeconds: rng.int(0, 3) };
    case 'voicemail':
      return { ...base, recorded: true, disposition: 'voicemail', rawDisposition: 'VOICEMAIL', waitSeconds: rng.int(25, 45), talkSeconds: rng.int(8, 60) };
  }
}

/**
 * `calls` calls of one project starting at `startAt`, each as its ordered events: ringing →
 * answered → ended, ringing → ended for missed ones, or ended alone (after-call webhooks).
 * A third of the calls come from a small pool of repeat callers, each time in a random format.
 * Every event satisfies `callEventSchema`; eventIds are stable for a seed, so publishing the
 * same seed twice is a redelivery, not new calls.
 */
export function simulateCalls(options: SimulateOptions): SimulatedCall[] {
  const rng = createPrng(options.seed);
  const employees = options.employees && options.employees.length > 0 ? options.employees : fallbackEmployees;
  const meanGapMs = (options.meanGapSeconds ?? 20) * 1000;
  const newNumber = () => ({ code: rng.pick(operatorCodes), rest: String(rng.int(0, 9_999_999)).padStart(7, '0') });
  const regulars = Array.from({ length: Math.max(3, Math.ceil(options.calls / 8)) }, newNumber);
  const runId = (Math.floor(options.seed) >>> 0).toString(36);
  // A generator of its own, so that losing webhooks leaves the calls of a seed as they were.
  const losses = createPrng((Math.floor(options.seed) ^ 0x5eed1055) >>> 0);

  const calls: SimulatedCall[] = [];
  let startMs = options.startAt.getTime();
  for (let i = 0; i < options.calls; i += 1) {
    if (i > 0) startMs += Math.round(-Math.log(1 - rng.next()) * meanGapMs);
    const plan = planCall(rng, pickWeighted(rng, scenarioWeights));
    const number = rng.chance(0.35) ? rng.pick(regulars) : newNumber();
    const clientNumber = rng.pick(numberFormats)(number.code, number.rest);
    const callId = `sim-${runId}-${String(i + 1).padStart(5, '0')}`;
    const employee = employeeRef(rng.pick(employees));
    const pool = rng.pick(trackingPools);
    const outgoing = plan.direction === 'outgoing';
    const endedOnly = rng.chance(0.1);

    const common = {
      schema: CALL_EVENT_SCHEMA, projectId: options.projectId, callId, direction: plan.direction, clientNumber,
      lineNumber: outgoing ? mainLine : pool.lineNumber,
      ...(outgoing ? {} : { source: pool.source(rng) }),
    } as const;
    const at = (offsetSeconds: number) => new Date(startMs + offsetSeconds * 1000).toISOString();
    // Who dialled is known from the start of an outgoing call; who answered only once answered.
    const who = (known: boolean) => (known ? { employee } : {});

    const events: CallEvent[] = [];
    if (!endedOnly) {
      events.push({ ...common, eventId: `${callId}:ringing`, type: 'call.ringing', occurredAt: at(0), ...who(outgoing) });
      if (plan.answered) {
        events.push({ ...common, eventId: `${callId}:answered`, type: 'call.answered', occurredAt: at(plan.waitSeconds), ...who(true) });
      }
    }
    events.push({
      ...common, eventId: `${callId}:ended`, type: 'call.ended', occurredAt: at(plan.waitSeconds + plan.talkSeconds),
      ...who(outgoing || plan.answered),
      disposition: plan.disposition, rawDisposition: plan.rawDisposition,
      waitSeconds: plan.waitSeconds, talkSeconds: plan.talkSeconds,
      ...(plan.recorded ? { recordingUrl: `https://records.ringostat.example/${options.projectId}/${callId}.mp3` } : {}),
    });
    const webhookLost = losses.chance(options.loseWebhooks ?? 0);
    calls.push({ callId, scenario: plan.scenario, direction: plan.direction, clientNumber, endedOnly, webhookLost, events });
  }
  return calls;
}
