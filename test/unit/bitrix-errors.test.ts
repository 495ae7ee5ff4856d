/** R3: one taxonomy; the class names are Temporal failure types (a wire contract). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BitrixBadRequestError, BitrixError, BitrixRateLimitedError, BitrixTokenInvalidError, BitrixTransientError,
  classifyBitrixError, cloneBitrixError, isRetriable, OPERATION_LIMIT_RETRY_MS, transportError,
} from '../../bitrix/errors';
import { NON_RETRYABLE_BITRIX_ERRORS } from '../../workflows/contract/failure-types';

type Row = [status: number | undefined, code: string, expected: string, retriable: boolean];

// Research §1.4–1.5: statuses and codes as Bitrix24 sends them (and a few field reports).
const table: Row[] = [
  [503, 'QUERY_LIMIT_EXCEEDED', 'BitrixRateLimited', true],
  [429, 'OPERATION_TIME_LIMIT', 'BitrixRateLimited', true],
  [200, 'QUERY_LIMIT_EXCEEDED', 'BitrixRateLimited', true], // the 2024-09 table said 200: branch on the code
  [503, '', 'BitrixRateLimited', true],
  [500, 'INTERNAL_SERVER_ERROR', 'BitrixTransient', true],
  [500, 'ERROR_UNEXPECTED_ANSWER', 'BitrixTransient', true],
  [502, '', 'BitrixTransient', true],
  [504, '', 'BitrixTransient', true],
  [408, '', 'BitrixTransient', true],
  [401, 'INVALID_CREDENTIALS', 'BitrixTokenInvalid', false],
  [403, 'INVALID_CREDENTIALS', 'BitrixTokenInvalid', false],
  [401, 'NO_AUTH_FOUND', 'BitrixTokenInvalid', false],
  [401, 'expired_token', 'BitrixTokenInvalid', false],
  [401, 'invalid_token', 'BitrixTokenInvalid', false],
  [500, 'PORTAL_DELETED', 'BitrixTokenInvalid', false], // 500, but no retry can bring a portal back
  [403, 'user_access_error', 'BitrixTokenInvalid', false],
  [401, 'ERROR_OAUTH', 'BitrixTokenInvalid', false],
  [503, 'OVERLOAD_LIMIT', 'BitrixTokenInvalid', false],
  [401, 'SOMETHING_NEW', 'BitrixTokenInvalid', false],
  [400, '', 'BitrixBadRequest', false], // legacy CRM: {"error":"","error_description":"Not found"}
  [403, 'ACCESS_DENIED', 'BitrixBadRequest', false],
  [403, 'insufficient_scope', 'BitrixBadRequest', false],
  [404, 'ERROR_METHOD_NOT_FOUND', 'BitrixBadRequest', false],
  [400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'BitrixBadRequest', false],
  [405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'BitrixBadRequest', false],
  [400, 'ERROR_CORE', 'BitrixBadRequest', false],
  [400, 'INVALID_REQUEST', 'BitrixBadRequest', false],
  [undefined, '', 'BitrixBadRequest', false], // a command inside a batch
  [undefined, '0', 'BitrixBadRequest', false], // tasks: error "0" "wrong task id"
  [undefined, 'NOT_FOUND', 'BitrixBadRequest', false],
];

void describe('classifyBitrixError', () => {
  for (const [status, code, expected, retriable] of table) {
    void it(`${status ?? 'batch'} ${code || '""'} → ${expected}`, () => {
      const err = classifyBitrixError({ httpStatus: status, error: code, error_description: 'text', method: 'crm.lead.add' });
      assert.ok(err instanceof BitrixError);
      assert.equal(err.name, expected);
      assert.equal(err.retriable, retriable);
      assert.equal(isRetriable(err), retriable);
      assert.equal(NON_RETRYABLE_BITRIX_ERRORS.includes(err.name as never), !retriable);
      assert.equal(err.code, code);
      assert.equal(err.httpStatus, status);
      assert.equal(err.method, 'crm.lead.add');
      assert.equal(err.description, 'text');
    });
  }

  void it('uses the classes, not just the names', () => {
    assert.ok(classifyBitrixError({ httpStatus: 503, error: 'QUERY_LIMIT_EXCEEDED', method: 'm' }) instanceof BitrixRateLimitedError);
    assert.ok(classifyBitrixError({ httpStatus: 500, error: 'INTERNAL_SERVER_ERROR', method: 'm' }) instanceof BitrixTransientError);
    assert.ok(classifyBitrixError({ httpStatus: 401, error: 'INVALID_CREDENTIALS', method: 'm' }) instanceof BitrixTokenInvalidError);
    assert.ok(classifyBitrixError({ httpStatus: 400, error: '', method: 'm' }) instanceof BitrixBadRequestError);
  });

  void it('rate limits carry retryAfterMs: a bucket slot for 503, the operating window for 429', () => {
    const bucket = classifyBitrixError({ httpStatus: 503, error: 'QUERY_LIMIT_EXCEEDED', method: 'm' }) as BitrixRateLimitedError;
    assert.ok(bucket.retryAfterMs > 0 && bucket.retryAfterMs <= 2000);
    const operating = classifyBitrixError({ httpStatus: 429, error: 'OPERATION_TIME_LIMIT', method: 'm' }) as BitrixRateLimitedError;
    assert.equal(operating.retryAfterMs, OPERATION_LIMIT_RETRY_MS);
    const withReset = classifyBitrixError({ httpStatus: 429, error: 'OPERATION_TIME_LIMIT', method: 'm', operatingResetAt: 1_000_100, now: 1_000_000_000 }) as BitrixRateLimitedError;
    assert.equal(withReset.retryAfterMs, 101_000);
  });

  void it('keeps a message that says what happened, and masks a webhook path in descriptions', () => {
    const err = classifyBitrixError({ httpStatus: 400, error: '', error_description: 'bad https://a.b/rest/7/s3cr3tvalue/x', method: 'crm.lead.get' });
    assert.match(err.message, /crm\.lead\.get/);
    assert.match(err.message, /HTTP 400/);
    assert.ok(!err.message.includes('s3cr3tvalue'));
    assert.ok(!JSON.stringify(err.toJSON()).includes('s3cr3tvalue'));
  });

  void it('transport failures are transient', () => {
    const timeout = transportError('user.get', 'timeout', 'no answer within 10 ms');
    assert.equal(timeout.name, 'BitrixTransient');
    assert.equal(timeout.code, 'TIMEOUT');
    assert.equal(transportError('user.get', 'network', 'ECONNREFUSED').code, 'NETWORK_ERROR');
  });

  void it('cloning keeps the class and code and changes method or description', () => {
    const err = classifyBitrixError({ httpStatus: 503, error: 'QUERY_LIMIT_EXCEEDED', method: 'batch' }) as BitrixRateLimitedError;
    const clone = cloneBitrixError(err, { method: 'crm.lead.add' }) as BitrixRateLimitedError;
    assert.ok(clone instanceof BitrixRateLimitedError);
    assert.equal(clone.method, 'crm.lead.add');
    assert.equal(clone.retryAfterMs, err.retryAfterMs);
  });

  void it('non-Bitrix errors are not retriable (bugs are not faults)', () => {
    assert.equal(isRetriable(new Error('boom')), false);
    assert.deepEqual([...NON_RETRYABLE_BITRIX_ERRORS], ['BitrixTokenInvalid', 'BitrixBadRequest']);
  });
});
