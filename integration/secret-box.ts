import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../schemas/workflow-io';

/**
 * Field-level encryption of the webhook secret (R4, R7) with BRIDGE_SECRET_KEY: AES-256-GCM
 * from node:crypto. Only the secret is sealed — everything else in the integration workflow
 * stays readable in the Temporal UI without a codec server. Several keys (comma list) allow
 * rotation: the first seals, every one opens.
 */
export const SECRET_KEY_ENV = 'BRIDGE_SECRET_KEY';

export interface SecretBox {
  /** Id of the sealing key (a hash prefix, never the key). */
  readonly keyId: string;
  /** True for the throw-away key of the demo. */
  readonly throwAway: boolean;
  seal(plain: string): SealedSecret;
  /** The plain text; throws SecretKeyError when no key opens it. */
  open(sealed: SealedSecret): string;
  /** Whether some key of this box opens it. */
  canOpen(sealed: SealedSecret): boolean;
  /**
   * A keyed fingerprint of a secret (HMAC-SHA256 under a key derived from the sealing key, 16 hex
   * digits): equal for the same secret in every process holding the key, useless to anyone without
   * it — unlike a plain hash, which a guess of the webhook could be checked against.
   */
  fingerprint(plain: string): string;
}

export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 12);

export function parseSecretKeys(value: string, variable = SECRET_KEY_ENV): Buffer[] {
  const keys = value.split(',').map((part) => part.trim()).filter(Boolean).map((part, i) => {
    const key = Buffer.from(part, 'base64');
    if (key.length !== 32) throw new SecretKeyError(`${variable}: key ${i + 1} is ${key.length} bytes after base64 decoding; it must be 32 (make one with: openssl rand -base64 32)`);
    return key;
  });
  if (keys.length === 0) throw new SecretKeyError(`${variable} is empty`);
  return keys;
}

export function createSecretBox(keys: readonly Buffer[], options: { throwAway?: boolean } = {}): SecretBox {
  const byId = new Map(keys.map((key) => [keyIdOf(key), key]));
  const sealing = keys[0];
  if (!sealing) throw new SecretKeyError('no secret key');
  const keyId = keyIdOf(sealing);
  // Its own key, derived: the sealing key itself is used for nothing but sealing.
  const fingerprintKey = Buffer.from(hkdfSync('sha256', sealing, Buffer.alloc(0), 'ringostat-bridge fingerprint', 32));

  const open = (sealed: SealedSecret): string => {
    const key = byId.get(sealed.keyId);
    if (!key) throw new SecretKeyError(`the webhook was sealed with key ${sealed.keyId}, which ${SECRET_KEY_ENV} does not hold (add the old key after the new one to rotate)`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  };

  return {
    keyId,
    throwAway: options.throwAway ?? false,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealing, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return { keyId, iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
    },
    open,
    fingerprint: (plain) => createHmac('sha256', fingerprintKey).update(plain, 'utf8').digest('hex').slice(0, 16),
    canOpen(sealed) {
      try {
        open(sealed);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** A fresh random key, base64 (the demo's throw-away key; `openssl rand -base64 32` does the same). */
export function newSecretKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The deployment's box from BRIDGE_SECRET_KEY (settings.secretKey). Without it: undefined — the
 * caller decides (the demo makes a throw-away key; a configured project refuses to start).
 */
export function secretBoxOf(secretKey: string | undefined): SecretBox | undefined {
  if (secretKey === undefined || secretKey.trim() === '') return undefined;
  return createSecretBox(parseSecretKeys(secretKey));
}
