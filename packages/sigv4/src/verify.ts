import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies AWS Signature Version 4 on an incoming request (header form), for a
 * server that AWS clients (SDKs, botocore, the aws CLI) talk to unchanged.
 *
 * Written against node:crypto rather than @smithy/signature-v4 because a
 * verifier must canonicalise exactly the headers the *client* listed in
 * SignedHeaders, while a signer picks its own set. The hot path is one SHA-256
 * of the body, one of the canonical request and one HMAC with a cached
 * signing key.
 *
 * What a valid signature binds here, beyond the SigV4 algorithm itself:
 * - the body: its SHA-256 is always computed from the bytes received; an
 *   `x-amz-content-sha256` header that differs, or `UNSIGNED-PAYLOAD`, is refused;
 * - every `x-amz-*` header present (so `X-Amz-Target`, the operation) and `host`
 *   must be listed in SignedHeaders;
 * - X-Amz-Date within `maxClockSkewMs` of now, and the scope date equal to it.
 */

/** An access key the verifier accepts. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface VerifierOptions {
  /**
   * The access keys accepted, or `'any'`: any access key, with no signature,
   * date or body check at all (only the credential scope is read, for its
   * region and service). `'any'` is for throwaway use only.
   */
  credentials: readonly Credential[] | 'any';
  /** Largest accepted distance between X-Amz-Date and now. Default 15 minutes, as AWS. */
  maxClockSkewMs?: number;
}

/** Who signed, and for which scope. */
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
  /** Header names in lower case, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A refused request. `code` is AWS's error code (its front end answers these on
 * JSON-protocol services with HTTP 400 and a lowercase `message` member), `status`
 * the HTTP status to answer with.
 */
export class SigV4Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Set on `UnrecognizedClientException`: the access key id nobody configured (not a secret). */
    readonly accessKeyId?: string,
  ) {
    super(message);
    this.name = code;
  }
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE_RE = /^\d{8}T\d{6}Z$/;
const CONTENT_SHA256 = 'x-amz-content-sha256';
/** Signing keys change daily per (secret, region, service); this bounds the cache. */
const MAX_CACHED_KEYS = 1000;

const sigError = (message: string) => new SigV4Error('InvalidSignatureException', message);

export class SigV4Verifier {
  private readonly secrets: Map<string, string> | undefined;
  private readonly maxSkewMs: number;
  private readonly signingKeys = new Map<string, Buffer>();

  constructor(options: VerifierOptions) {
    this.secrets = options.credentials === 'any' ? undefined : new Map(options.credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
    this.maxSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_SKEW_MS;
  }

  /** True when any access key is accepted without a signature check. */
  get acceptsAnyKey(): boolean {
    return this.secrets === undefined;
  }

  /** The access key ids accepted (never the secrets); empty with `'any'`. */
  accessKeyIds(): string[] {
    return this.secrets ? [...this.secrets.keys()] : [];
  }

  /** Returns the caller, or throws `SigV4Error`. `nowMs` is the server's clock. */
  verify(req: SignedRequest, nowMs: number): VerifiedCaller {
    const authorization = header(req.headers, 'authorization');
    if (!authorization) {
      throw new SigV4Error('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const match = AUTH_RE.exec(authorization);
    if (!match) {
      throw new SigV4Error(
        'IncompleteSignatureException',
        `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, and algorithm ${ALGORITHM}.`,
      );
    }
    const [, credential, signedHeaderList, signature] = match;
    const scopeParts = credential.split('/');
    if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
      throw new SigV4Error(
        'IncompleteSignatureException',
        `Credential is malformed: expected <key>/<date>/<region>/<service>/aws4_request.`,
      );
    }
    const [accessKeyId, scopeDate, region, service] = scopeParts;
    const securityToken = header(req.headers, 'x-amz-security-token');
    if (this.secrets === undefined) return { accessKeyId, region, service, securityToken };

    const secret = this.secrets.get(accessKeyId);
    if (secret === undefined) {
      throw new SigV4Error('UnrecognizedClientException', 'The security token included in the request is invalid.', 400, accessKeyId);
    }

    const amzDate = header(req.headers, 'x-amz-date');
    if (!amzDate || !AMZ_DATE_RE.test(amzDate)) {
      throw new SigV4Error(
        'IncompleteSignatureException',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    this.checkDate(amzDate, scopeDate, nowMs);

    const signedHeaders = signedHeaderList.split(';');
    checkSignedHeaders(req.headers, signedHeaders);
    const payloadHash = bodyHash(req);
    const canonical = canonicalRequest(req, signedHeaders, signedHeaderList, payloadHash);
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
    return { accessKeyId, region, service, securityToken };
  }

  private checkDate(amzDate: string, scopeDate: string, nowMs: number): void {
    const requestTime = Date.UTC(
      +amzDate.slice(0, 4),
      +amzDate.slice(4, 6) - 1,
      +amzDate.slice(6, 8),
      +amzDate.slice(9, 11),
      +amzDate.slice(11, 13),
      +amzDate.slice(13, 15),
    );
    const minutes = `${Math.round(this.maxSkewMs / 60_000)} min.`;
    if (requestTime < nowMs - this.maxSkewMs) {
      throw sigError(
        `Signature expired: ${amzDate} is now earlier than ${isoBasic(nowMs - this.maxSkewMs)} (${isoBasic(nowMs)} - ${minutes})`,
      );
    }
    if (requestTime > nowMs + this.maxSkewMs) {
      throw sigError(
        `Signature not yet current: ${amzDate} is still later than ${isoBasic(nowMs + this.maxSkewMs)} (${isoBasic(nowMs)} + ${minutes})`,
      );
    }
    if (scopeDate !== amzDate.slice(0, 8)) {
      throw sigError(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
  }

  private signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
    let key = this.signingKeys.get(cacheKey);
    if (!key) {
      const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
      const kRegion = createHmac('sha256', kDate).update(region).digest();
      const kService = createHmac('sha256', kRegion).update(service).digest();
      key = createHmac('sha256', kService).update('aws4_request').digest();
      if (this.signingKeys.size >= MAX_CACHED_KEYS) this.signingKeys.clear();
      this.signingKeys.set(cacheKey, key);
    }
    return key;
  }
}

/**
 * `host` and every `x-amz-*` header present must be signed: an unsigned
 * `X-Amz-Target` would let a captured request be replayed as another operation,
 * an unsigned `x-amz-content-sha256` would vouch for another body.
 */
function checkSignedHeaders(headers: SignedRequest['headers'], signedHeaders: string[]): void {
  if (!signedHeaders.includes('host')) {
    throw sigError("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const name in headers) {
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name)) {
      throw sigError(`Header '${name}' is present but not signed: every x-amz-* header must be listed in SignedHeaders.`);
    }
  }
}

/** The SHA-256 of the bytes received; a declared hash must be the same. */
function bodyHash(req: SignedRequest): string {
  const computed = sha256Hex(req.body);
  const declared = header(req.headers, CONTENT_SHA256);
  if (declared === undefined || declared === computed) return computed;
  if (declared === 'UNSIGNED-PAYLOAD') {
    throw sigError(`'x-amz-content-sha256: UNSIGNED-PAYLOAD' is not accepted: the body must be signed.`);
  }
  throw sigError(
    `The x-amz-content-sha256 header does not match the SHA-256 of the request body: the body is not the one that was signed.`,
  );
}

function canonicalRequest(req: SignedRequest, signedHeaders: string[], signedHeaderList: string, payloadHash: string): string {
  const q = req.url.indexOf('?');
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQuery = q === -1 ? '' : req.url.slice(q + 1);
  let headerLines = '';
  for (const name of signedHeaders) {
    // Own properties only: a signed header named `constructor` must not reach Object.prototype.
    const value = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
    const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
    headerLines += `${name}:${joined.trim().replace(/\s+/g, ' ')}\n`;
  }
  return `${req.method}\n${canonicalPath(rawPath)}\n${canonicalQuery(rawQuery)}\n${headerLines}\n${signedHeaderList}\n${payloadHash}`;
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
      const k = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
      const v = eq === -1 ? '' : decodeQueryPart(pair.slice(eq + 1));
      return [rfc3986(k), rfc3986(v)] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** AWS's common error for a query it cannot parse: MalformedQueryString, HTTP 404. */
function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new SigV4Error('MalformedQueryString', 'The query string contains a syntax error: malformed percent-encoding.', 404);
  }
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function isoBasic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
