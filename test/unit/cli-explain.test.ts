/**
 * docs/contracts.md §4: a failed command names why. The SDK wraps a Temporal RPC's failure as
 * "Failed to query Workflow" and keeps the server's reason in its gRPC cause; the CLI prints both.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '@temporalio/client';
import { CliError, createCliContext } from '../../cli/context';
import { isTemporalDeadline } from '../../cli/deadlines';
import { grpcStatusOf, isQueryNotReady } from '../../platform/temporal-errors';

/** What grpc-js rejects with (a plain Error carrying code and details), wrapped as the SDK does. */
function sdkError(code: number, details: string): ServiceError {
  const grpc = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new ServiceError('Failed to query Workflow', { cause: grpc });
}

describe('the CLI names the server\'s reason for a failed Temporal call', () => {
  const context = createCliContext({ configPath: undefined, env: {}, timeoutMs: 10_000 });

  it('"Failed to query Workflow" gets the server\'s words', () => {
    const explained = context.explain(sdkError(9, 'Unable to query workflow due to Workflow Task in failed state.'));
    assert.ok(explained instanceof CliError);
    assert.equal(explained.message, 'Failed to query Workflow: Unable to query workflow due to Workflow Task in failed state.');
    assert.equal(explained.exitCode, 1);
  });

  it('an error without a gRPC cause, or one that already says it, is left as it is', () => {
    const plain = new Error('something else');
    assert.equal(context.explain(plain), plain);
    const said = new ServiceError('Failed: busy', { cause: Object.assign(new Error('8 busy'), { code: 8, details: 'busy' }) });
    assert.equal(context.explain(said), said);
  });

  it('FAILED_PRECONDITION is "not ready"; other codes are not', () => {
    assert.equal(isQueryNotReady(sdkError(9, 'Workflow task is not scheduled yet.')), true);
    assert.equal(isQueryNotReady(sdkError(5, 'workflow not found')), false);
    assert.equal(isQueryNotReady(new Error('no cause')), false);
    assert.deepEqual(grpcStatusOf(sdkError(8, 'busy')), { code: 8, details: 'busy' });
  });

  // Seen in resend-volume (2026-12-05): reactivate's watcher exited 1 with "Failed to query Workflow:
  // Call cancelled" — Temporal's gRPC server (grpc-go) resets a call at its deadline, and that
  // reset reached the CLI before its own deadline timer fired.
  it('a query the server reset at its deadline reads as a deadline, as DEADLINE_EXCEEDED does; a cancel of our own does not', () => {
    assert.equal(isTemporalDeadline(sdkError(1, 'Call cancelled')), true);
    assert.equal(isTemporalDeadline(sdkError(4, 'Deadline exceeded after 10.002s')), true);
    assert.equal(isTemporalDeadline(sdkError(4, 'query timed out before a worker could process it')), true);
    assert.equal(isTemporalDeadline(sdkError(1, 'Cancelled on client')), false);
    assert.equal(isTemporalDeadline(sdkError(9, 'Workflow Task in failed state.')), false);
    const explained = context.explain(sdkError(1, 'Call cancelled'));
    assert.ok(explained instanceof CliError);
    assert.match(explained.message, /did not answer within 10 s \(--timeout\)/);
  });
});
