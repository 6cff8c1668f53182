// Edges of the SigV4 verifier that a mutation run (npm run mutation sigv4) found
// untested: the exact shape of the Authorization header and the credential scope,
// the X-Amz-Date format, the clock-skew bounds to the second, and the canonical
// request for paths, queries and header values as AWS's own signer
// (@smithy/signature-v4, the SDK v3 signer) builds them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest } from '../../../test-support/sigv4.ts';
import { SigV4Error, SigV4Verifier } from '../src/index.ts';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const SIG = 'a'.repeat(64);
const verifier = new SigV4Verifier({ credentials: [{ accessKeyId: 'test', secretAccessKey: 'test' }] });

const withAuth = (authorization: string, extra: Record<string, string> = {}) => ({
  method: 'POST',
  url: '/',
  headers: { host: '127.0.0.1:2774', 'x-amz-date': '20261204T120000Z', authorization, ...extra },
  body: Buffer.from('{}'),
});

function refused(fn: () => unknown, code: string, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SigV4Error, `expected a SigV4Error, got ${e}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

/** True when the header gets past the Authorization syntax check (the signature itself is then wrong). */
function parses(authorization: string): boolean {
  try {
    verifier.verify(withAuth(authorization), NOW);
    return true;
  } catch (e) {
    return (e as SigV4Error).code !== 'IncompleteSignatureException';
  }
}

const CREDENTIAL = 'test/20261204/us-east-1/secretsmanager/aws4_request';
const INCOMPLETE =
  "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, and algorithm AWS4-HMAC-SHA256.";

describe('Authorization header syntax', () => {
  it('accepts optional and repeated whitespace where AWS does, and nothing around the header', () => {
    assert.ok(parses(`AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${SIG}`));
    assert.ok(parses(`AWS4-HMAC-SHA256  Credential=${CREDENTIAL},SignedHeaders=host;x-amz-date,Signature=${SIG}`));
    assert.ok(parses(`AWS4-HMAC-SHA256 Credential=${CREDENTIAL},  SignedHeaders=host;x-amz-date,  Signature=${SIG}  `));
    assert.ok(!parses(`xAWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${SIG}`));
    assert.ok(!parses(`AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${SIG}x`));
    refused(
      () => verifier.verify(withAuth(`AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, Signature=${SIG}`), NOW),
      'IncompleteSignatureException',
      INCOMPLETE,
    );
  });

  it('a credential scope that is not key/date/region/service/aws4_request is refused', () => {
    const malformed = 'Credential is malformed: expected <key>/<date>/<region>/<service>/aws4_request.';
    for (const credential of [
      'test/20261204/us-east-1/secretsmanager',
      'test/20261204/us-east-1/secretsmanager/aws4_requests',
      'a/test/20261204/us-east-1/secretsmanager/aws4_request',
    ]) {
      refused(
        () => verifier.verify(withAuth(`AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host;x-amz-date, Signature=${SIG}`), NOW),
        'IncompleteSignatureException',
        malformed,
      );
    }
  });

  it('an unknown key is UnrecognizedClientException with AWS text', () => {
    refused(
      () =>
        verifier.verify(
          withAuth(
            `AWS4-HMAC-SHA256 Credential=nobody/20261204/us-east-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIG}`,
          ),
          NOW,
        ),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  });

  it('X-Amz-Date must be exactly the ISO 8601 basic format', () => {
    const auth = `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${SIG}`;
    const message = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
    for (const date of ['2026-12-04T12:00:00Z', 'x20261204T120000Z', '20261204T120000Zx', '']) {
      refused(() => verifier.verify(withAuth(auth, { 'x-amz-date': date }), NOW), 'IncompleteSignatureException', message);
    }
  });
});

describe('clock skew to the second', () => {
  const signedAt = (ms: number) => ({
    method: 'POST',
    url: '/',
    headers: signRequest({ headers: { host: '127.0.0.1:2774' }, body: '{}', service: 'secretsmanager', date: new Date(ms) }),
    body: Buffer.from('{}'),
  });
  const SKEW = 15 * 60_000;

  it('accepts a date exactly 15 minutes off either way, and one 14:30 old (the seconds count)', () => {
    assert.equal(verifier.verify(signedAt(NOW - SKEW), NOW).accessKeyId, 'test');
    assert.equal(verifier.verify(signedAt(NOW + SKEW), NOW).accessKeyId, 'test');
    assert.equal(verifier.verify(signedAt(NOW - SKEW + 30_000), NOW).accessKeyId, 'test');
  });

  it('refuses one second beyond, naming the bound', () => {
    refused(
      () => verifier.verify(signedAt(NOW + SKEW + 1000), NOW),
      'InvalidSignatureException',
      'Signature not yet current: 20261204T121501Z is still later than 20261204T121500Z (20261204T120000Z + 15 min.)',
    );
    refused(
      () => verifier.verify(signedAt(NOW - SKEW - 1000), NOW),
      'InvalidSignatureException',
      'Signature expired: 20261204T114459Z is now earlier than 20261204T114500Z (20261204T120000Z - 15 min.)',
    );
  });
});

describe('canonical request, as the SDK v3 signer builds it', () => {
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sha256: Hash.bind(null, 'sha256'),
  });

  async function verifySigned(path: string, query: Record<string, string | string[]>, url: string, headers: Record<string, string> = {}) {
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 2774,
        path,
        query,
        headers: { host: '127.0.0.1:2774', ...headers },
        body: '{}',
      },
      { signingDate: new Date(NOW) },
    );
    const lower = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v as string]));
    return verifier.verify({ method: 'POST', url, headers: lower, body: Buffer.from('{}') }, NOW);
  }

  it('a path other than / (each segment encoded twice)', async () => {
    assert.equal((await verifySigned('/a/b%20c', {}, '/a/b%20c')).accessKeyId, 'test');
    assert.equal((await verifySigned('/a/', {}, '/a/')).accessKeyId, 'test');
  });

  it("a query with keys and values out of order, repeated keys, + for space, empty values and !'()*", async () => {
    const query = { b: ['y', 'x'], a: '1', p: 'a b', e: '', 'k!': "v'()*", c: ['2', '10'] };
    const url = "/?b=y&b=x&a=1&p=a+b&&e=&k!=v'()*&c=2&c=10";
    assert.equal((await verifySigned('/', query, url)).accessKeyId, 'test');
    await assert.rejects(verifySigned('/', { a: '1' }, '/?a=2'), { code: 'InvalidSignatureException' });
  });

  it('header values with outer and repeated inner whitespace', async () => {
    assert.equal((await verifySigned('/', {}, '/', { 'x-amz-target': '  secretsmanager.GetSecretValue   x  ' })).accessKeyId, 'test');
  });

  it('malformed percent-encoding in the query is MalformedQueryString (404), with AWS text', () => {
    assert.throws(
      () =>
        verifier.verify(
          {
            method: 'POST',
            url: '/?a=%zz',
            headers: signRequest({ headers: { host: 'h' }, body: '', service: 'secretsmanager', date: new Date(NOW), url: '/?a=b' }),
            body: Buffer.alloc(0),
          },
          NOW,
        ),
      { code: 'MalformedQueryString', status: 404, message: 'The query string contains a syntax error: malformed percent-encoding.' },
    );
  });
});
