import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecretBox, newSecretKey, parseSecretKeys, SECRET_KEY_ENV, SecretKeyError, secretBoxOf, type SecretBox } from './secret-box';

/**
 * The process's secret box: BRIDGE_SECRET_KEY, the same on every process of a deployment
 * (docs/contracts.md §2). Only the demo runs without it, on a throw-away key kept beside the demo's
 * config (`{dataDir}/demo-secret-key`) so that its Temporal data stays readable across restarts
 * and the CLI of the same checkout can use it.
 */
export async function resolveSecretBox(options: { secretKey: string | undefined; demo: boolean; dataDir: string; say?: (line: string) => void }): Promise<SecretBox> {
  const fromEnv = secretBoxOf(options.secretKey);
  if (fromEnv) return fromEnv;
  if (!options.demo) {
    throw new SecretKeyError(`${SECRET_KEY_ENV} is not set: a configured project needs it to keep its Bitrix24 webhook encrypted (R4). Make one with \`openssl rand -base64 32\` and give the same value to every process of the deployment (workers, dispatchers, HTTP, CLI).`);
  }
  const file = demoKeyFile(options.dataDir);
  let key = await readFile(file, 'utf8').then((s) => s.trim(), () => undefined);
  if (!key) {
    key = newSecretKey();
    await mkdir(options.dataDir, { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  options.say?.(`${SECRET_KEY_ENV} is not set: the demo uses a throw-away key (${file}); set ${SECRET_KEY_ENV} for real projects`);
  return createSecretBox(parseSecretKeys(key, file), { throwAway: true });
}

export function demoKeyFile(dataDir: string): string {
  return join(dataDir, 'demo-secret-key');
}
