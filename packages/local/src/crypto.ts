import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { syncDirectory } from './files.js';

/**
 * Encryption at rest: AES-256-GCM under a key derived (HKDF-SHA256) from one
 * master key and the KMS key id the caller chose, so that two KmsKeyIds give
 * two distinct data keys, as they would under KMS.
 *
 * Sealed layout: 1 byte format version | 12 byte IV | 16 byte tag | ciphertext.
 * `context` is bound as additional authenticated data, so a ciphertext copied
 * onto another record fails to open instead of decrypting to the wrong secret.
 */
const FORMAT_V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {}

/**
 * Bounds of the decrypted-value cache (`Vault.open`): at most this many
 * values, each at most OPENED_MAX_BYTES, each kept at most OPENED_TTL_MS after
 * it was decrypted (then decrypted again on the next read). Worst case
 * 256 × 64 KiB = 16 MiB; a typical secret is well under 1 KiB.
 */
export const OPENED_MAX_ENTRIES = 256;
export const OPENED_MAX_BYTES = 64 * 1024;
export const OPENED_TTL_MS = 60_000;

interface Opened {
  /** The exact sealed bytes this plaintext came from: a hit requires the same bytes (and key id and context). */
  sealed: Buffer;
  plaintext: Buffer;
  expiresAt: number;
}

export class Vault {
  private readonly dataKeys = new Map<string, Buffer>();
  /**
   * Recently decrypted values, keyed by key id, context and the sealed value's
   * IV and tag; a hit also compares every sealed byte, so it returns exactly
   * what decrypting would (tampered bytes miss and fail to decrypt as before).
   * Saves the AES-GCM set-up on every read of a hot secret. Bounded (above).
   */
  private readonly opened = new Map<string, Opened>();

  constructor(
    private readonly masterKey: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
  }

  seal(plaintext: Buffer, keyId: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.dataKey(keyId), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
  }

  /** The plaintext of `sealed` (a fresh Buffer the caller may keep or change). */
  open(sealed: Buffer, keyId: string, context: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) {
      throw new DecryptionError('sealed value has an unknown format');
    }
    const cacheKey = `${keyId}\0${context}\0${sealed.toString('base64', 1, 1 + IV_BYTES + TAG_BYTES)}`;
    const now = this.now();
    const hit = this.opened.get(cacheKey);
    if (hit && hit.expiresAt > now && hit.sealed.equals(sealed)) return Buffer.from(hit.plaintext);
    const plaintext = this.decrypt(sealed, keyId, context);
    if (plaintext.length <= OPENED_MAX_BYTES) {
      this.opened.delete(cacheKey);
      if (this.opened.size >= OPENED_MAX_ENTRIES) this.opened.delete(this.opened.keys().next().value as string);
      this.opened.set(cacheKey, { sealed: Buffer.from(sealed), plaintext: Buffer.from(plaintext), expiresAt: now + OPENED_TTL_MS });
    }
    return plaintext;
  }

  private decrypt(sealed: Buffer, keyId: string, context: string): Buffer {
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.dataKey(keyId), iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError('value failed authentication: wrong key or tampered data');
    }
  }

  private dataKey(keyId: string): Buffer {
    let key = this.dataKeys.get(keyId);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.masterKey, 'parasol/v1', `kms-key:${keyId}`, 32));
      this.dataKeys.set(keyId, key);
    }
    return key;
  }
}

/**
 * The master key: `PARASOL_MASTER_KEY` (base64 of 32 bytes) wins; otherwise
 * `<dataDir>/master.key`, created with mode 0600 on first start and fsynced with
 * its directory before anything is sealed under it (a key lost in a crash would
 * make every stored value unreadable); an in-memory service gets a fresh random
 * key (its data dies with it anyway).
 */
export function loadMasterKey(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.PARASOL_MASTER_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) {
      throw new Error(`PARASOL_MASTER_KEY must be base64 of exactly 32 bytes (got ${key.length} bytes)`);
    }
    return key;
  }
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
    return key;
  }
  const key = randomBytes(32);
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dataDir);
  return key;
}
