/**
 * Proves the Temporal dev server started by the stack is reachable and has the call search
 * attributes registered as Keyword, so workflows can set them and operators can filter on them (B4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { searchAttributeNames } from '../../workers/search-attributes';
import { stackEnv } from '../../tools/testkit/stack-env';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

void describe('Temporal dev server (against the stack)', () => {
  let connection: Connection;

  before(async () => {
    connection = await Connection.connect({ address: stackEnv().temporalAddress, connectTimeout: 10_000 });
  });

  after(async () => {
    await connection?.close();
  });

  void it('is reachable and serves the default namespace', async () => {
    const info = await connection.workflowService.getSystemInfo({});
    assert.ok(info.serverVersion, 'the server reports a version');
    const namespace = await connection.workflowService.describeNamespace({ namespace: 'default' });
    assert.equal(namespace.namespaceInfo?.name, 'default');
  });

  void it('has the five call search attributes registered as Keyword', async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    assert.deepEqual([...searchAttributeNames].sort(), ['CallId', 'CallOutcome', 'CallPhase', 'ClientNumber', 'ProjectId']);
    for (const name of searchAttributeNames) {
      assert.equal(customAttributes?.[name], KEYWORD, `${name} is Keyword`);
    }
  });

  void it('accepts visibility queries on those attributes', async () => {
    const client = new Client({ connection });
    const query = searchAttributeNames.map((name) => `${name} = 'no-such-value'`).join(' AND ');
    const found: string[] = [];
    for await (const workflow of client.workflow.list({ query })) found.push(workflow.workflowId);
    assert.deepEqual(found, []);
  });
});
