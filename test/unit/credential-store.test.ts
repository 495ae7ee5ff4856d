import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCredentialStore } from '../../lib/credential-store';

describe('credential store (T1, T2, R4)', () => {
  it('T1: of many concurrent token failures only the first marks the project broken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'creds-'));
    try {
      const store = createCredentialStore(dir);
      const flips = await Promise.all(Array.from({ length: 20 }, () => store.markBroken('acme', 0, 'INVALID_CREDENTIALS')));
      assert.equal(flips.filter(Boolean).length, 1);
      assert.equal((await store.read('acme')).status, 'broken');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('T2: activation stores the next version, active, readable only by the owner; an old failure no longer counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'creds-'));
    try {
      const store = createCredentialStore(dir);
      await store.markBroken('acme', 0, 'revoked');
      const next = await store.activate('acme', 'https://acme.bitrix24.ua/rest/1/newsecret/');
      assert.equal(next.version, 1);
      assert.equal(next.status, 'active');
      assert.equal((await stat(join(dir, 'acme.json'))).mode & 0o777, 0o600);
      assert.equal(await store.markBroken('acme', 0, 'late failure of the old webhook'), false);
      assert.equal((await store.read('acme')).status, 'active');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
