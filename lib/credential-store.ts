import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/**
 * Where the live Bitrix24 webhook of each project is kept once an operator reactivated it
 * (T2). Workers read it here, never from workflow history or Kafka (R4). Version 0 is the
 * webhook of the config file; each reactivation writes the next version. A project is
 * marked broken here by the first token-invalid answer, so later calls of that project park
 * without calling Bitrix24 again (T1). Files are 0600; on several hosts share the folder.
 */
export interface StoredCredentials {
  version: number;
  webhookUrl?: string;
  status: 'active' | 'broken';
  brokenAt?: string;
  brokenReason?: string;
  updatedAt: string;
}

export interface CredentialStore {
  read(projectId: string): Promise<StoredCredentials>;
  markBroken(projectId: string, version: number, reason: string): Promise<boolean>;
  activate(projectId: string, webhookUrl: string): Promise<StoredCredentials>;
}

export function createCredentialStore(dir: string): CredentialStore {
  const file = (projectId: string) => join(dir, `${projectId}.json`);

  async function read(projectId: string): Promise<StoredCredentials> {
    try {
      return JSON.parse(await readFile(file(projectId), 'utf8')) as StoredCredentials;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { version: 0, status: 'active', updatedAt: new Date(0).toISOString() };
    }
  }

  async function write(projectId: string, value: StoredCredentials): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${file(projectId)}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(value, null, 2), { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, file(projectId));
  }

  // Read-modify-write runs one at a time per project in this process: many activities see the
  // same invalid token at once, and only the first may flip the state.
  const queues = new Map<string, Promise<unknown>>();
  function serialized<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    const next = (queues.get(projectId) ?? Promise.resolve()).then(work, work);
    queues.set(projectId, next.catch(() => undefined));
    return next;
  }

  return {
    read,
    /** True when this call flipped the project to broken (the first failure of that version). */
    markBroken: (projectId, version, reason) => serialized(projectId, async () => {
      const current = await read(projectId);
      if (current.version !== version || current.status === 'broken') return false;
      const now = new Date().toISOString();
      await write(projectId, { ...current, status: 'broken', brokenAt: now, brokenReason: reason, updatedAt: now });
      return true;
    }),
    activate: (projectId, webhookUrl) => serialized(projectId, async () => {
      const current = await read(projectId);
      const next: StoredCredentials = { version: current.version + 1, webhookUrl, status: 'active', updatedAt: new Date().toISOString() };
      await write(projectId, next);
      return next;
    }),
  };
}
