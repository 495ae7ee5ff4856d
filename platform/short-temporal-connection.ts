import { Connection } from '@temporalio/client';

/** Runs `fn` against a short-lived connection; the deadline keeps the SDK's retries from hanging a probe. */
export async function withShortConnection<T>(address: string, timeoutMs: number, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    return await connection.withDeadline(Date.now() + timeoutMs, () => fn(connection));
  } finally {
    await connection.close();
  }
}
