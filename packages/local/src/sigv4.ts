import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AwsError } from './errors.js';

/**
 * Verifies AWS Signature Version 4 on an incoming request (header form).
 *
 * Written against node:crypto rather than @smithy/signature-v4 because a
 * verifier must canonicalise exactly the headers the *client* listed in
 * SignedHeaders, while the signer picks its own set; doing it here is a few
 * lines and keeps the hot path to one SHA-256 of the body, one of the
 * canonical request and one HMAC with a cached signing key.
 */

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
  service: string;
  /** Present when the caller signed with temporary credentials. */
  securityToken?: string;
}

export interface SignedRequest {
  method: string;
  /** Raw request target as sent: path plus optional query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

/**
 * Authentication failures come from AWS's front end, not the service model:
 * HTTP 400 with a lowercase `message` key on JSON-protocol services, e.g.
 * `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`.
 */
const authError = (code: string, message: string) => new AwsError(code, message, 400, 'message');
const sigError = (message: string) => authError('InvalidSignatureException', message);

export class SigV4Verifier {
  private readonly secrets: Map<string, string>;
  private readonly signingKeys = new Map<string, Buffer>();

  constructor(credentials: Credential[]) {
    this.secrets = new Map(credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
  }

  verify(req: SignedRequest, nowMs: number): VerifiedCaller {
    const authorization = header(req.headers, 'authorization');
    if (!authorization) {
      throw authError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const match = AUTH_RE.exec(authorization);
    if (!match) {
      throw authError(
        'IncompleteSignatureException',
        `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, and algorithm ${ALGORITHM}.`,
      );
    }
    const [, credential, signedHeaderList, signature] = match;
    const scopeParts = credential.split('/');
    if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
      throw authError('IncompleteSignatureException', `Credential is malformed: expected <key>/<date>/<region>/<service>/aws4_request.`);
    }
    const [accessKeyId, scopeDate, region, service] = scopeParts;
    const secret = this.secrets.get(accessKeyId);
    if (secret === undefined) {
      throw authError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }

    const amzDate = header(req.headers, 'x-amz-date');
    if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
      throw authError(
        'IncompleteSignatureException',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    const requestTime = Date.UTC(
      +amzDate.slice(0, 4),
      +amzDate.slice(4, 6) - 1,
      +amzDate.slice(6, 8),
      +amzDate.slice(9, 11),
      +amzDate.slice(11, 13),
      +amzDate.slice(13, 15),
    );
    if (requestTime < nowMs - MAX_SKEW_MS) {
      throw sigError(`Signature expired: ${amzDate} is now earlier than ${isoBasic(nowMs - MAX_SKEW_MS)} (${isoBasic(nowMs)} - 15 min.)`);
    }
    if (requestTime > nowMs + MAX_SKEW_MS) {
      throw sigError(
        `Signature not yet current: ${amzDate} is still later than ${isoBasic(nowMs + MAX_SKEW_MS)} (${isoBasic(nowMs)} + 15 min.)`,
      );
    }
    if (scopeDate !== amzDate.slice(0, 8)) {
      throw sigError(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }

    const signedHeaders = signedHeaderList.split(';');
    if (!signedHeaders.includes('host')) {
      throw sigError("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    const canonical = canonicalRequest(req, signedHeaders, signedHeaderList);
    const scope = `${scopeDate}/${region}/${service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const expected = createHmac('sha256', this.signingKey(secret, scopeDate, region, service))
      .update(stringToSign)
      .digest();
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
      throw sigError(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return { accessKeyId, region, service, securityToken: header(req.headers, 'x-amz-security-token') };
  }

  private signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
    let key = this.signingKeys.get(cacheKey);
    if (!key) {
      const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
      const kRegion = createHmac('sha256', kDate).update(region).digest();
      const kService = createHmac('sha256', kRegion).update(service).digest();
      key = createHmac('sha256', kService).update('aws4_request').digest();
      if (this.signingKeys.size > 1000) this.signingKeys.clear(); // bounded: keys rotate daily
      this.signingKeys.set(cacheKey, key);
    }
    return key;
  }
}

function canonicalRequest(req: SignedRequest, signedHeaders: string[], signedHeaderList: string): string {
  const q = req.url.indexOf('?');
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQuery = q === -1 ? '' : req.url.slice(q + 1);
  const headerLines = signedHeaders.map((name) => {
    const value = req.headers[name];
    const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
    return `${name}:${joined.trim().replace(/\s+/g, ' ')}\n`;
  });
  const payloadHash = header(req.headers, 'x-amz-content-sha256') ?? sha256Hex(req.body);
  return [req.method, canonicalPath(rawPath), canonicalQuery(rawQuery), headerLines.join(''), signedHeaderList, payloadHash].join('\n');
}

/** Non-S3 services encode each path segment twice: once on the wire, once here. */
function canonicalPath(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  return rawPath
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const k = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      const v = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
      return [rfc3986(k), rfc3986(v)] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function isoBasic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
