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

export class Vault {
  private readonly dataKeys = new Map<string, Buffer>();

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
  }

  seal(plaintext: Buffer, keyId: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.dataKey(keyId), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, keyId: string, context: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) {
      throw new DecryptionError('sealed value has an unknown format');
    }
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
