/**
 * Test support: a SigV4 signer with every knob exposed, so tests can build
 * requests that are *correctly signed* yet break one rule (a scope date other
 * than X-Amz-Date, host left out of SignedHeaders, an unsigned X-Amz-Target, a
 * declared payload hash that is not the body's). A verifier that skips the rule
 * then accepts the request, which is what makes each negative test able to fail.
 *
 * Kept deliberately naive (one encoding pass, headers as given): the tests check
 * it against @smithy/signature-v4 on an ordinary request.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SignSpec {
  method?: string;
  /** Path plus optional raw query, exactly as sent on the wire. */
  url?: string;
  /** Lower-case names. `host` and `x-amz-date` are added unless given. */
  headers: Record<string, string>;
  body: string | Buffer;
  /** Which headers to sign (default: all of `headers`, sorted). */
  signedHeaders?: string[];
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  service: string;
  /** Signing time (default now). */
  date?: Date;
  /** Credential-scope date (default the date part of X-Amz-Date). */
  scopeDate?: string;
  /** Payload hash put in the canonical request (default the body's SHA-256). */
  payloadHash?: string;
}

export const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Returns the headers to send (Authorization included). */
export function signRequest(spec: SignSpec): Record<string, string> {
  const date = amzDate(spec.date ?? new Date());
  const headers: Record<string, string> = { 'x-amz-date': date, ...spec.headers };
  const signed = (spec.signedHeaders ?? Object.keys(headers)).map((h) => h.toLowerCase()).sort();
  const url = spec.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const canonical = [
    spec.method ?? 'POST',
    path,
    query,
    signed.map((h) => `${h}:${(Object.hasOwn(headers, h) ? headers[h] : '').trim()}\n`).join(''),
    signed.join(';'),
    spec.payloadHash ?? sha256Hex(spec.body),
  ].join('\n');
  const scopeDate = spec.scopeDate ?? date.slice(0, 8);
  const region = spec.region ?? 'us-east-1';
  const scope = `${scopeDate}/${region}/${spec.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonical)}`;
  const kDate = hmac(`AWS4${spec.secretAccessKey ?? 'test'}`, scopeDate);
  const key = hmac(hmac(hmac(kDate, region), spec.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${spec.accessKeyId ?? 'test'}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`,
  };
}
