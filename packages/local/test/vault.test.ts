// Encryption at rest (Vault): AES-256-GCM round trips, and the bounded cache of
// decrypted values behind `open` — a hit returns exactly what decrypting would,
// never for other bytes, key id or context, and only within its bounds.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DecryptionError, OPENED_MAX_BYTES, OPENED_MAX_ENTRIES, OPENED_TTL_MS, Vault } from '../src/crypto.ts';

const CONTEXT = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf\u0000v1';

describe('Vault.open and its decrypted-value cache', () => {
  it('returns the plaintext on every read, as a fresh Buffer the caller may change', () => {
    const vault = new Vault(randomBytes(32));
    const sealed = vault.seal(Buffer.from('hunter2'), 'aws/secretsmanager', CONTEXT);
    const first = vault.open(sealed, 'aws/secretsmanager', CONTEXT);
    first.fill(0); // a caller wiping its copy must not wipe the cached value
    assert.equal(vault.open(sealed, 'aws/secretsmanager', CONTEXT).toString(), 'hunter2');
    assert.equal(vault.open(sealed, 'aws/secretsmanager', CONTEXT).toString(), 'hunter2');
  });

  it('a cached value is never returned for tampered bytes, another key id or another context', () => {
    const vault = new Vault(randomBytes(32));
    const sealed = vault.seal(Buffer.from('hunter2'), 'aws/secretsmanager', CONTEXT);
    assert.equal(vault.open(sealed, 'aws/secretsmanager', CONTEXT).toString(), 'hunter2'); // now cached
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1; // same IV and tag, other ciphertext
    assert.throws(() => vault.open(tampered, 'aws/secretsmanager', CONTEXT), DecryptionError);
    assert.throws(() => vault.open(sealed, 'other-key', CONTEXT), DecryptionError);
    assert.throws(() => vault.open(sealed, 'aws/secretsmanager', `${CONTEXT}x`), DecryptionError);
    assert.equal(vault.open(sealed, 'aws/secretsmanager', CONTEXT).toString(), 'hunter2');
  });

  it('keeps a value at most OPENED_TTL_MS and at most OPENED_MAX_ENTRIES values; large values are not kept', () => {
    let now = 1_000_000;
    const vault = new Vault(randomBytes(32), () => now);
    const opened = (v: Vault) => (v as unknown as { opened: Map<string, unknown> }).opened;
    const sealed = vault.seal(Buffer.from('v'), 'k', CONTEXT);
    vault.open(sealed, 'k', CONTEXT);
    assert.equal(opened(vault).size, 1);
    now += OPENED_TTL_MS;
    // Expired: decrypted again (and re-cached with a new expiry).
    assert.equal(vault.open(sealed, 'k', CONTEXT).toString(), 'v');
    assert.equal(opened(vault).size, 1);
    for (let i = 0; i < OPENED_MAX_ENTRIES + 10; i++)
      vault.open(vault.seal(Buffer.from(`v${i}`), 'k', `${CONTEXT}${i}`), 'k', `${CONTEXT}${i}`);
    assert.equal(opened(vault).size, OPENED_MAX_ENTRIES);
    const big = vault.seal(Buffer.alloc(OPENED_MAX_BYTES + 1, 1), 'k', 'big');
    const before = [...opened(vault).keys()];
    assert.equal(vault.open(big, 'k', 'big').length, OPENED_MAX_BYTES + 1);
    assert.deepEqual([...opened(vault).keys()], before);
  });
});
