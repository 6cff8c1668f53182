/**
 * Behaviours of the AWS Parameters and Secrets extension that parasol's extension does not have (it is ready
 * before the handler runs and answers JSON errors). The AWS extension is closed source and cannot run here,
 * so this file uses a FAKE of it: an in-process node:http server that answers the way the AWS extension is
 * documented and publicly reported to answer (github.com/Kralizek/AWSSecretsManagerConfigurationExtensions issue #87;
 * github.com/fedonev/lambda-params-secrets): `400 not ready to serve traffic, please wait`
 * during INIT, and a plain-text `400 an unexpected error occurred while executing request` for any failure.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { ExtensionError, GetParameterError, SecretsProvider, SSMProvider } from '../src/extension/index.js';

let server: Server;
let endpoint: string;
let requests: IncomingMessage[] = [];
let connections = 0;
let answer: (req: IncomingMessage, res: ServerResponse, n: number) => void;

before(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    answer(req, res, requests.length);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  connections = 0;
});

const notReady = (res: ServerResponse) => {
  res.writeHead(400, { 'content-type': 'text/plain' });
  res.end('not ready to serve traffic, please wait');
};
const secretBody = (value: string) =>
  JSON.stringify({
    ARN: 'arn:x',
    Name: 'n',
    SecretBinary: null,
    SecretString: value,
    VersionId: 'v',
    VersionStages: ['AWSCURRENT'],
    ResultMetadata: {},
  });

test('"not ready to serve traffic" is retried with a short backoff, then the value is returned', async () => {
  answer = (_req, res, n) => {
    if (n <= 2) return notReady(res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(secretBody('ready now'));
  };
  const provider = new SecretsProvider({ endpoint, token: 'session-token' });
  assert.equal(await provider.get('s'), 'ready now');
  assert.equal(requests.length, 3);
  assert.equal(requests[0].headers['x-aws-parameters-secrets-token'], 'session-token');
  assert.equal(requests[0].url, '/secretsmanager/get?secretId=s');
});

test('the retry is bounded: after notReadyRetries the caller gets ExtensionNotReady', async () => {
  answer = (_req, res) => notReady(res);
  const provider = new SecretsProvider({ endpoint, token: 't', notReadyRetries: 2 });
  await assert.rejects(provider.get('s'), (e: unknown) => {
    assert.ok(e instanceof GetParameterError);
    assert.equal(e.code, 'ExtensionNotReady');
    assert.equal((e.cause as ExtensionError).status, 400);
    return true;
  });
  assert.equal(requests.length, 3);
});

test("the AWS extension's opaque plain-text 400 becomes an ExtensionError carrying its text", async () => {
  answer = (_req, res) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('an unexpected error occurred while executing request');
  };
  const provider = new SSMProvider({ endpoint, token: 't' });
  await assert.rejects(provider.get('/p', { decrypt: true }), (e: unknown) => {
    assert.ok(e instanceof GetParameterError);
    assert.equal(e.code, 'ExtensionError');
    assert.ok(e.cause instanceof ExtensionError);
    assert.match(e.message, /an unexpected error occurred/);
    return true;
  });
  assert.equal(requests[0].url, '/systemsmanager/parameters/get?name=%2Fp&withDecryption=true');
  assert.equal(requests.length, 1, 'not retried');
});

test('a 200 that is not JSON is an InvalidResponse; a slow extension hits timeoutMs', async () => {
  answer = (_req, res) => res.end('<html>');
  await assert.rejects(
    new SecretsProvider({ endpoint, token: 't' }).get('s'),
    (e: unknown) => e instanceof GetParameterError && e.code === 'InvalidResponse',
  );
  answer = () => {}; // never answers
  await assert.rejects(new SecretsProvider({ endpoint, token: 't', timeoutMs: 100 }).get('s'), (e: unknown) => {
    return e instanceof GetParameterError && e.code === 'ExtensionTimeout';
  });
});

test('sequential requests reuse one keep-alive connection', async () => {
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(secretBody('v'));
  };
  const provider = new SecretsProvider({ endpoint, token: 't' });
  for (let i = 0; i < 5; i++) await provider.get(`s${i}`);
  assert.equal(requests.length, 5);
  assert.ok(connections <= 1, `${connections} connections for 5 requests`);
});

test('batches on an extension without the batch routes (a plain-text 400 for an unknown path): one GET per name', async () => {
  answer = (req, res) => {
    const url = new URL(req.url ?? '/', endpoint);
    if (url.pathname === '/secretsmanager/get') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(secretBody(`value of ${url.searchParams.get('secretId')}`));
      return;
    }
    if (url.pathname === '/systemsmanager/parameters/get') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Parameter: { Name: url.searchParams.get('name'), Value: 'p', Version: 1 }, ResultMetadata: {} }));
      return;
    }
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('an unexpected error occurred while executing request');
  };
  const secrets = new SecretsProvider({ endpoint, token: 'session-token' });
  assert.deepEqual(await secrets.getMultiple(['a', 'b']), { a: 'value of a', b: 'value of b' });
  assert.deepEqual(
    requests.map((r) => new URL(r.url ?? '/', endpoint).pathname),
    ['/secretsmanager/batchget', '/secretsmanager/get', '/secretsmanager/get'],
  );
  requests = [];
  const ssm = new SSMProvider({ endpoint, token: 'session-token' });
  assert.deepEqual(await ssm.getParametersByName({ '/x': {}, '/y': {} }), { '/x': 'p', '/y': 'p' });
  assert.equal(new URL(requests[0].url ?? '/', endpoint).pathname, '/systemsmanager/parameters/getparameters');
  assert.equal(requests.length, 3);
});
