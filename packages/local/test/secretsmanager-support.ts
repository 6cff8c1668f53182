/** Shared by the Secrets Manager tests: an SDK client and a raw SigV4-signed POST for bodies the SDK would never send. */
import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';

export const smClient = (url: string, region = 'us-east-1') =>
  new SecretsManagerClient({ ...TEST_CLIENT_CONFIG(url, region), maxAttempts: 1 });

/** A unique secret name per test, so tests sharing one server never collide. */
export const uniqueName = (prefix = 'test') => `${prefix}/${randomUUID().slice(0, 8)}`;

/** POSTs `body` (any bytes) as `secretsmanager.<op>`, correctly signed; returns status and parsed JSON. */
export async function rawCall(url: string, op: string, body: string, region = 'us-east-1') {
  const u = new URL(url);
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${op}` },
    body,
  });
  const res = await fetch(`${url}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
