import { Connection } from '@temporalio/client';
import { ensureNamespace } from '../../platform/temporal-namespace';
import type { InfraLog } from './infra-log';

/**
 * Registers the bridge's namespace on an external Temporal (TEMPORAL_ADDRESS) when it is missing,
 * with TEMPORAL_NAMESPACE_RETENTION_HOURS, and waits until the frontend serves it (a new namespace
 * reaches the server's caches within seconds, not at once).
 */
export async function ensureExternalNamespace(address: string, namespace: { name: string; retentionHours: number }, log: InfraLog): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    const registered = await connection.withDeadline(Date.now() + 15_000, () => ensureNamespace(connection, namespace.name, namespace.retentionHours));
    if (!registered) return;
    log(`registered Temporal namespace ${namespace.name} (retention ${namespace.retentionHours} h) on ${address}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.withDeadline(Date.now() + 5_000, () => connection.workflowService.describeNamespace({ namespace: namespace.name }));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  } finally {
    await connection.close();
  }
}
