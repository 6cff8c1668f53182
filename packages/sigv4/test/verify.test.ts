import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { type SignSpec, sha256Hex as sha, signRequest } from '../../../test-support/sigv4.ts';
import { SigV4Error, SigV4Verifier } from '../src/index.ts';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const BODY = '{"SecretId":"app/db"}';
const verifier = new SigV4Verifier({ credentials: [{ accessKeyId: 'test', secretAccessKey: 'test' }] });

/** A GetSecretValue as the SDK v3 would send it, with `overrides` applied to the signing. */
function request(overrides: Partial<SignSpec> = {}, body: string = BODY) {
  const spec: SignSpec = {
    headers: {
      host: '127.0.0.1:2774',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
    service: 'secretsmanager',
    date: new Date(NOW),
    ...overrides,
  };
  return { method: 'POST', url: '/', headers: signRequest(spec), body: Buffer.from(body) };
}

function refused(fn: () => unknown, code: string, message: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SigV4Error, `expected a SigV4Error, got ${e}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

describe('SigV4Verifier', () => {
  it('accepts a request signed by @smithy/signature-v4 (the SDK v3 signer), x-amz-content-sha256 included', async () => {
    const signer = new SignatureV4({
      service: 'secretsmanager',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'session' },
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 2774,
        path: '/',
        query: { b: 'x y', a: '1' },
        headers: { host: '127.0.0.1:2774', 'x-amz-target': 'secretsmanager.GetSecretValue', 'x-amz-content-sha256': sha(BODY) },
        body: BODY,
      },
      { signingDate: new Date(NOW) },
    );
    const caller = verifier.verify({ method: 'POST', url: '/?b=x%20y&a=1', headers: lower(signed.headers), body: Buffer.from(BODY) }, NOW);
    assert.deepEqual(caller, { accessKeyId: 'test', region: 'eu-west-1', service: 'secretsmanager', securityToken: 'session' });
  });

  it('the test signer agrees with the verifier on an ordinary request', () => {
    assert.equal(verifier.verify(request(), NOW).service, 'secretsmanager');
  });

  it('refuses a request without Authorization', () => {
    refused(
      () => verifier.verify({ ...request(), headers: {} }, NOW),
      'MissingAuthenticationTokenException',
      /^Missing Authentication Token$/,
    );
  });

  it('refuses an unknown access key, naming no secret, and says which key it was', () => {
    const req = request({ accessKeyId: 'AKIDNOBODY' });
    assert.throws(
      () => verifier.verify(req, NOW),
      (e: unknown) => e instanceof SigV4Error && e.code === 'UnrecognizedClientException' && e.accessKeyId === 'AKIDNOBODY',
    );
  });

  it('refuses a wrong secret', () => {
    refused(
      () => verifier.verify(request({ secretAccessKey: 'wrong' }), NOW),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    );
  });

  it('refuses a stale date (more than 15 minutes old)', () => {
    const req = request({ date: new Date(NOW - 16 * 60_000) });
    refused(
      () => verifier.verify(req, NOW),
      'InvalidSignatureException',
      /^Signature expired: 20261204T114400Z is now earlier than 20261204T114500Z/,
    );
    // 14 minutes is inside the window.
    assert.equal(verifier.verify(request({ date: new Date(NOW - 14 * 60_000) }), NOW).accessKeyId, 'test');
  });

  it('refuses a future date (more than 15 minutes ahead)', () => {
    const req = request({ date: new Date(NOW + 16 * 60_000) });
    refused(() => verifier.verify(req, NOW), 'InvalidSignatureException', /^Signature not yet current: 20261204T121600Z is still later/);
  });

  it('takes the clock skew as an option (the extension uses 5 minutes)', () => {
    const strict = new SigV4Verifier({ credentials: [{ accessKeyId: 'test', secretAccessKey: 'test' }], maxClockSkewMs: 5 * 60_000 });
    const req = request({ date: new Date(NOW - 6 * 60_000) });
    refused(() => strict.verify(req, NOW), 'InvalidSignatureException', /\(20261204T120000Z - 5 min\.\)$/);
    assert.equal(verifier.verify(req, NOW).accessKeyId, 'test');
  });

  it('refuses a credential-scope date other than the X-Amz-Date day', () => {
    refused(
      () => verifier.verify(request({ scopeDate: '20261203' }), NOW),
      'InvalidSignatureException',
      /^Date in Credential scope does not match YYYYMMDD .*'20261203' != '20261204'/,
    );
  });

  it('refuses a request that does not sign host', () => {
    const req = request({ signedHeaders: ['content-type', 'x-amz-date', 'x-amz-target'] });
    refused(() => verifier.verify(req, NOW), 'InvalidSignatureException', /^'Host' must be a 'SignedHeader'/);
  });

  it('refuses an unsigned X-Amz-Target (a request signed over host;x-amz-date turned into DeleteSecret)', () => {
    const req = request({ signedHeaders: ['host', 'x-amz-date'] });
    req.headers['x-amz-target'] = 'secretsmanager.DeleteSecret';
    refused(() => verifier.verify(req, NOW), 'InvalidSignatureException', /^Header 'x-amz-target' is present but not signed/);
  });

  it('refuses any other unsigned x-amz-* header', () => {
    const req = request();
    req.headers['x-amz-security-token'] = 'added-later';
    refused(() => verifier.verify(req, NOW), 'InvalidSignatureException', /^Header 'x-amz-security-token' is present but not signed/);
  });

  describe('binds the body', () => {
    const other = '{"SecretId":"app/xx"}'; // same length as BODY
    it('SDK v3 shape: a signed x-amz-content-sha256 of the original body, sent with another body of the same length', () => {
      const req = request({ headers: { host: 'h', 'x-amz-target': 'secretsmanager.GetSecretValue', 'x-amz-content-sha256': sha(BODY) } });
      assert.equal(verifier.verify(req, NOW).accessKeyId, 'test');
      refused(
        () => verifier.verify({ ...req, body: Buffer.from(other) }, NOW),
        'InvalidSignatureException',
        /^The x-amz-content-sha256 header does not match the SHA-256 of the request body/,
      );
    });

    it('botocore shape plus an added, unsigned x-amz-content-sha256 of the original body', () => {
      const req = request();
      req.headers['x-amz-content-sha256'] = sha(BODY);
      refused(() => verifier.verify({ ...req, body: Buffer.from(other) }, NOW), 'InvalidSignatureException', /x-amz-content-sha256/);
    });

    it('UNSIGNED-PAYLOAD, even signed, is refused', () => {
      const req = request({
        headers: { host: 'h', 'x-amz-target': 'secretsmanager.GetSecretValue', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        payloadHash: 'UNSIGNED-PAYLOAD',
      });
      refused(() => verifier.verify(req, NOW), 'InvalidSignatureException', /UNSIGNED-PAYLOAD' is not accepted/);
    });

    it('without x-amz-content-sha256, another body does not match the signature', () => {
      const req = request();
      refused(
        () => verifier.verify({ ...req, body: Buffer.from(other) }, NOW),
        'InvalidSignatureException',
        /does not match the signature/,
      );
    });
  });

  it('a signed header named after an Object.prototype member is read as absent, not as a function', () => {
    // Signed with empty values, as the verifier canonicalises an absent header.
    const req = request({ signedHeaders: ['constructor', 'host', 'x-amz-date', 'x-amz-target'] });
    assert.equal(verifier.verify(req, NOW).accessKeyId, 'test');
    const proto = request({ signedHeaders: ['__proto__', 'host', 'x-amz-date', 'x-amz-target'] });
    assert.equal(verifier.verify(proto, NOW).accessKeyId, 'test');
  });

  it('malformed percent-encoding in the query is MalformedQueryString (404), not a crash', () => {
    const req = { ...request(), url: '/?a=%zz' };
    assert.throws(
      () => verifier.verify(req, NOW),
      (e: unknown) => e instanceof SigV4Error && e.code === 'MalformedQueryString' && e.status === 404,
    );
  });

  it("with credentials 'any', accepts any key and any signature, reading region and service from the scope", () => {
    const any = new SigV4Verifier({ credentials: 'any' });
    const req = request({ accessKeyId: 'whoever', secretAccessKey: 'whatever', region: 'ap-south-1' });
    req.headers.authorization = req.headers.authorization.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`);
    assert.deepEqual(any.verify(req, NOW + 86_400_000), {
      accessKeyId: 'whoever',
      region: 'ap-south-1',
      service: 'secretsmanager',
      securityToken: undefined,
    });
    assert.equal(any.acceptsAnyKey, true);
    assert.deepEqual(any.accessKeyIds(), []);
    refused(() => any.verify({ ...req, headers: {} }, NOW), 'MissingAuthenticationTokenException', /Missing/);
  });

  it('lists the configured key ids, never the secrets', () => {
    assert.deepEqual(verifier.accessKeyIds(), ['test']);
    assert.equal(verifier.acceptsAnyKey, false);
  });
});

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
