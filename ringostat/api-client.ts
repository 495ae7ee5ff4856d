import type { RingostatSettings } from '../schemas/project-config';
import type { SmartPhoneContact } from '../schemas/contact-card';
import { RingostatApiError, errorText, kindOfBodyError, kindOfStatus } from './api-errors';
import { formatRingostatDate } from './dates';

/**
 * Ringostat's REST API (research A2, A4): `GET /calls/list` (the call log) and
 * `POST /minicrm/contacts/sync` (the Smart Phone contact book), authenticated by the `Auth-key`
 * and `x-project-id` headers. Every failure is a RingostatApiError; its message never holds the
 * key, even when Ringostat echoes it back.
 */

/** A call-log row in Ringostat's field names (`uniqueid`, `calldate`, `disposition`, …). */
export type CallLogRow = Record<string, unknown>;

export interface RingostatClient {
  /** The rows whose `calldate` lies in [from, to] (whole seconds, the project's wall clock). */
  listCalls(window: { from: Date; to: Date }, fields: readonly string[]): Promise<CallLogRow[]>;
  syncContacts(contacts: SmartPhoneContact[]): Promise<void>;
}

export interface RingostatClientOptions {
  settings: Pick<RingostatSettings, 'apiKey' | 'projectId' | 'baseUrl'>;
  /** Ringostat takes and prints dates on the project's wall clock. */
  timeZone: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function createRingostatClient(options: RingostatClientOptions): RingostatClient {
  const { apiKey, projectId } = options.settings;
  const baseUrl = options.settings.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const hide = (text: string) => text.split(apiKey).join('***');

  async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const what = `Ringostat ${method} ${path.split('?')[0]}`;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers: {
          'Auth-key': apiKey, 'x-project-id': projectId, 'accept': 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      if (err instanceof Error && err.name === 'TimeoutError') {
        throw new RingostatApiError('unavailable', `${what}: ${baseUrl} did not answer within ${Number((timeoutMs / 1000).toFixed(3))} s`);
      }
      const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new RingostatApiError('unavailable', hide(`${what}: no answer (${reason})`));
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const kind = kindOfStatus(response.status);
      const detail = json !== undefined && typeof json === 'object' && json !== null && 'error' in json ? errorText(json.error) : text.slice(0, 200);
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new RingostatApiError(kind, hide(`${what}: HTTP ${response.status} ${detail}`.trim()), response.status,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    // Ringostat reports many errors as 200 with `error` in the body (research A2).
    if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'error' in json && json.error) {
      throw new RingostatApiError(kindOfBodyError(json.error), hide(`${what}: ${errorText(json.error)}`), response.status);
    }
    // An unknown field name comes back as plain text ("incorrect field …").
    if (json === undefined && text.trim() !== '') throw new RingostatApiError('bad-request', hide(`${what}: ${text.slice(0, 200)}`), response.status);
    return json;
  }

  return {
    async listCalls(window, fields) {
      const query = new URLSearchParams({
        export_type: 'json',
        from: formatRingostatDate(window.from.getTime(), options.timeZone),
        to: formatRingostatDate(window.to.getTime(), options.timeZone),
        fields: fields.join(','),
        order: 'calldate asc',
      });
      const body = await request('GET', `/calls/list?${query}`);
      const rows = Array.isArray(body) ? body : (body as { data?: unknown } | undefined)?.data;
      if (!Array.isArray(rows)) throw new RingostatApiError('bad-request', 'Ringostat GET /calls/list: the answer is not a list of calls');
      return rows.filter((row): row is CallLogRow => typeof row === 'object' && row !== null && !Array.isArray(row));
    },
    async syncContacts(contacts) {
      await request('POST', '/minicrm/contacts/sync', { contacts });
    },
  };
}
