import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

/** gRPC status ALREADY_EXISTS: another process registered the namespace first. */
const GRPC_ALREADY_EXISTS = 6;
/** gRPC status NOT_FOUND: describeNamespace of a namespace nobody registered. */
const GRPC_NOT_FOUND = 5;

/**
 * Registers `namespace` with the given retention (how long closed call workflows stay in history
 * and visibility) when the server does not have it. A Temporal cluster, unlike the dev server,
 * starts with no "default" namespace. An existing namespace is left as it is, retention included.
 * Returns true when this call registered it.
 */
export async function ensureNamespace(connection: Connection, namespace: string, retentionHours: number): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (error) {
    if (!(isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND)) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(retentionHours * 3_600_000),
      description: 'Ringostat → Bitrix24 bridge call workflows',
    });
    return true;
  } catch (error) {
    if (isGrpcServiceError(error) && error.code === GRPC_ALREADY_EXISTS) return false;
    throw error;
  }
}

/**
 * ensureNamespace over a connection of its own to `address`, then — when this call registered it —
 * waits until the frontend serves it (a new namespace reaches the server's caches within seconds,
 * not at once). Every wait has a deadline. Returns true when this call registered it.
 */
export async function ensureNamespaceServed(address: string, namespace: string, retentionHours: number): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    const registered = await connection.withDeadline(Date.now() + 15_000, () => ensureNamespace(connection, namespace, retentionHours));
    if (!registered) return false;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.withDeadline(Date.now() + 5_000, () => connection.workflowService.describeNamespace({ namespace }));
        return true;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(1_000);
      }
    }
  } finally {
    await connection.close();
  }
}
