/**
 * The SDK metrics exporter's port (contracts §5, TEMPORAL_METRICS_ADDRESS): two bridges with the
 * HTTP component starting at once on one host both see the default port free, and the second to
 * bind it must still start (without SDK metrics), while a configured address that is taken stays
 * a start-up error naming it. Runtime.install is once per process, so each case is its own child.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

const projectRoot = path.resolve(__dirname, '../..');

function installIn(child: { address: string; isDefault: boolean }): { status: number | null; output: string } {
  const script = `
    const { installTemporalLogging, temporalSdkMetricsUrl } = require('./observability/temporal-logging');
    const { createLogger } = require('./platform/logger');
    installTemporalLogging(createLogger({ name: 'test' }), 'WARN', { metricsAddress: ${JSON.stringify(child.address)}, metricsAddressIsDefault: ${child.isDefault} });
    process.stdout.write('installed; sdk metrics: ' + String(temporalSdkMetricsUrl()) + '\\n');`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the Temporal SDK metrics port taken by another process', () => {
  let holder: net.Server;
  let address: string;
  before(async () => {
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(holder.address() as net.AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('the default address: the process starts without SDK metrics and says why', () => {
    const { status, output } = installIn({ address, isDefault: true });
    assert.equal(status, 0, output);
    assert.match(output, /installed; sdk metrics: undefined/);
    assert.match(output, /metrics port is taken/);
  });

  it('a configured address: start-up fails naming the cause', () => {
    const { status, output } = installIn({ address, isDefault: false });
    assert.notEqual(status, 0, output);
    assert.match(output, /Address already in use/i);
  });
});
