// The Lambda lifecycle against a FAKE Lambda Runtime API (the real one exists
// only inside Lambda): an http server that checks the register request, that
// the extension already answers /ping when it registers, hands out INVOKE and
// SHUTDOWN, and records init/exit errors.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readBody } from '../../../test-support/bodies.js';
import { freePort } from '../../../test-support/extension.js';
import { CLI_SOURCE, spawnTs, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';

interface Registration {
  headers: IncomingHttpHeaders;
  body: any;
  pingAnsweredBeforeRegister: boolean;
}

/** A fake of the Lambda Extensions API (2020-01-01), enough to drive one extension through its lifecycle. */
async function startFakeRuntimeApi(extensionPort: number) {
  const id = randomUUID();
  const registrations: Registration[] = [];
  const errors: { path: string; type: string | undefined; body: any }[] = [];
  const nextCalls: IncomingHttpHeaders[] = [];
  const pendingNext: ServerResponse[] = [];
  const waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const path = req.url ?? '';
    if (req.method === 'POST' && path === '/2020-01-01/extension/register') {
      let pingAnswered = false;
      try {
        pingAnswered = (await fetch(`http://127.0.0.1:${extensionPort}/ping`)).status === 200;
      } catch {}
      registrations.push({ headers: req.headers, body: JSON.parse(raw), pingAnsweredBeforeRegister: pingAnswered });
      res.writeHead(200, { 'Lambda-Extension-Identifier': id, 'content-type': 'application/json' });
      res.end(JSON.stringify({ functionName: 'fake-fn', functionVersion: '$LATEST', handler: 'index.handler' }));
    } else if (req.method === 'GET' && path === '/2020-01-01/extension/event/next') {
      if (req.headers['lambda-extension-identifier'] !== id) {
        res.writeHead(403).end(JSON.stringify({ errorType: 'Extension.UnknownExtensionIdentifier' }));
        return;
      }
      nextCalls.push(req.headers);
      pendingNext.push(res); // held open until the test delivers an event
    } else if (req.method === 'POST' && (path === '/2020-01-01/extension/init/error' || path === '/2020-01-01/extension/exit/error')) {
      errors.push({ path, type: req.headers['lambda-extension-function-error-type'] as string, body: JSON.parse(raw || '{}') });
      res.writeHead(202).end('{"status":"OK"}');
    } else {
      res.writeHead(404).end();
    }
    notify();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 15_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return {
    address: `127.0.0.1:${(server.address() as { port: number }).port}`,
    registrations,
    errors,
    nextCalls,
    until,
    /** Answers the oldest pending /event/next with this event. */
    deliver(event: object) {
      const res = pendingNext.shift();
      if (!res) throw new Error('no /event/next pending');
      res.writeHead(200, { 'content-type': 'application/json', 'Lambda-Extension-Event-Identifier': randomUUID() });
      res.end(JSON.stringify(event));
    },
    close() {
      for (const r of pendingNext) r.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

async function launch(runtimeApi: string, port: number, env: NodeJS.ProcessEnv) {
  return spawnTs(CLI_SOURCE, ['extension'], {
    env: {
      AWS_LAMBDA_RUNTIME_API: runtimeApi,
      PARASOL_EXTENSION_NAME: 'parasol-extension',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_TOKEN: '',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: '',
      AWS_LAMBDA_INITIALIZATION_TYPE: '',
      ...env,
    },
    readyPattern: /listening on|cannot start/,
  });
}

describe('Lambda lifecycle (fake Runtime API)', () => {
  test('listens before registering, serves during INIT, handles INVOKE, exits 0 on SHUTDOWN', async () => {
    const serve = await startServe();
    const port = await freePort();
    const fake = await startFakeRuntimeApi(port);
    const token = `session-${randomUUID()}`;
    try {
      const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
      await sm.send(new CreateSecretCommand({ Name: 'init-secret', SecretString: 'available-at-init' }));
      const ext = await launch(fake.address, port, { AWS_SESSION_TOKEN: token, AWS_ENDPOINT_URL: serve.url });
      await fake.until(() => fake.nextCalls.length === 1, 'the first /event/next');

      assert.equal(fake.registrations.length, 1);
      const [reg] = fake.registrations;
      assert.equal(reg.headers['lambda-extension-name'], 'parasol-extension');
      assert.deepEqual(reg.body, { events: ['INVOKE', 'SHUTDOWN'] });
      assert.equal(reg.pingAnsweredBeforeRegister, true, '/ping must answer before /register');

      // INIT: the function's init code can already read a secret (token = AWS_SESSION_TOKEN, as on Lambda).
      const during = await fetch(`http://127.0.0.1:${port}/secretsmanager/get?secretId=init-secret`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': token },
      });
      assert.equal(during.status, 200);
      assert.equal((await readBody(during)).SecretString, 'available-at-init');

      fake.deliver({ eventType: 'INVOKE', deadlineMs: Date.now() + 3000, requestId: randomUUID(), invokedFunctionArn: '' });
      await fake.until(() => fake.nextCalls.length === 2, 'the /event/next after INVOKE');
      const invoke = await fetch(`http://127.0.0.1:${port}/secretsmanager/get?secretId=init-secret`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': token },
      });
      assert.equal(invoke.headers.get('x-parasol-cache'), 'hit');

      const exited = once(ext.child, 'exit');
      const sentAt = Date.now();
      fake.deliver({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: Date.now() + 2000 });
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
      assert.ok(Date.now() - sentAt < 2000, 'exited within the 2 s SHUTDOWN window');
      assert.deepEqual(fake.errors, []);
      assert.equal(ext.output().includes(token), false, 'the token must never be logged');
    } finally {
      fake.close();
      await serve.stop();
    }
  });

  test('SHUTDOWN lets an in-flight request finish, then exits 0 inside the window', async () => {
    // A fake slow AWS endpoint: answers GetSecretValue after 600 ms.
    const slow = createServer((req, res) => {
      req.resume();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:slow-AbCdEf',
            Name: 'slow',
            SecretString: 'late',
            VersionId: 'v1',
            VersionStages: ['AWSCURRENT'],
            CreatedDate: 1700000000,
          }),
        );
      }, 600);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const port = await freePort();
    const fake = await startFakeRuntimeApi(port);
    try {
      const ext = await launch(fake.address, port, {
        AWS_SESSION_TOKEN: 'tok',
        AWS_ENDPOINT_URL: `http://127.0.0.1:${(slow.address() as { port: number }).port}`,
      });
      await fake.until(() => fake.nextCalls.length === 1, 'the first /event/next');
      const inFlight = fetch(`http://127.0.0.1:${port}/secretsmanager/get?secretId=slow`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': 'tok' },
      });
      await new Promise((r) => setTimeout(r, 150));
      const exited = once(ext.child, 'exit');
      const sentAt = Date.now();
      fake.deliver({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: Date.now() + 2000 });
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.equal((await readBody(res)).SecretString, 'late');
      assert.equal(((await exited) as [number])[0], 0);
      assert.ok(Date.now() - sentAt < 2000, 'exited within the 2 s SHUTDOWN window');
    } finally {
      fake.close();
      slow.closeAllConnections();
      slow.close();
    }
  });

  test('Lambda Managed Instances: registers for SHUTDOWN only', async () => {
    const port = await freePort();
    const fake = await startFakeRuntimeApi(port);
    try {
      const ext = await launch(fake.address, port, {
        AWS_SESSION_TOKEN: 'tok',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances',
      });
      await fake.until(() => fake.nextCalls.length === 1, 'the first /event/next');
      assert.deepEqual(fake.registrations[0].body, { events: ['SHUTDOWN'] });
      const exited = once(ext.child, 'exit');
      fake.deliver({ eventType: 'SHUTDOWN', shutdownReason: 'SPINDOWN', deadlineMs: Date.now() + 2000 });
      assert.equal(((await exited) as [number])[0], 0);
    } finally {
      fake.close();
    }
  });

  test('a configuration error is reported through /init/error before exiting', async () => {
    const port = await freePort();
    const fake = await startFakeRuntimeApi(port);
    try {
      const ext = await launch(fake.address, port, { AWS_SESSION_TOKEN: 'tok', SECRETS_MANAGER_TTL: 'five minutes' });
      const exited = once(ext.child, 'exit');
      await fake.until(() => fake.errors.length === 1, 'an /init/error');
      assert.equal(((await exited) as [number])[0], 1);
      assert.equal(fake.errors[0].path, '/2020-01-01/extension/init/error');
      assert.equal(fake.errors[0].type, 'Extension.ConfigInvalid');
      assert.match(fake.errors[0].body.errorMessage, /SECRETS_MANAGER_TTL must be a whole number in the range 0-300/);
      assert.equal(fake.registrations[0].headers['lambda-extension-name'], 'parasol-extension');
    } finally {
      fake.close();
    }
  });

  test('PARASOL_METRICS=emf: CloudWatch Embedded Metric Format lines every N invocations and at SHUTDOWN', async () => {
    const serve = await startServe();
    const port = await freePort();
    const fake = await startFakeRuntimeApi(port);
    const token = `session-${randomUUID()}`;
    try {
      const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
      await sm.send(new CreateSecretCommand({ Name: 'emf-secret', SecretString: 'never-in-a-metric' }));
      const ext = await launch(fake.address, port, {
        AWS_SESSION_TOKEN: token,
        AWS_ENDPOINT_URL: serve.url,
        AWS_LAMBDA_FUNCTION_NAME: 'orders-fn',
        PARASOL_METRICS: 'emf',
        PARASOL_METRICS_EMF_EVERY: '2',
      });
      await fake.until(() => fake.nextCalls.length === 1, 'the first /event/next');
      const read = () =>
        fetch(`http://127.0.0.1:${port}/secretsmanager/get?secretId=emf-secret`, { headers: { 'X-Aws-Parameters-Secrets-Token': token } });
      await read();
      await read();
      const emfLines = () =>
        ext
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{"_aws"'))
          .map((l) => JSON.parse(l));
      fake.deliver({ eventType: 'INVOKE', deadlineMs: Date.now() + 3000, requestId: randomUUID(), invokedFunctionArn: '' });
      await fake.until(() => fake.nextCalls.length === 2, 'the /event/next after INVOKE 1');
      assert.equal(emfLines().length, 0, 'not before the second invocation');
      fake.deliver({ eventType: 'INVOKE', deadlineMs: Date.now() + 3000, requestId: randomUUID(), invokedFunctionArn: '' });
      await fake.until(() => fake.nextCalls.length === 3, 'the /event/next after INVOKE 2');
      await fake.until(() => emfLines().length === 1, 'the first EMF line');
      await read();
      const exited = once(ext.child, 'exit');
      fake.deliver({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: Date.now() + 2000 });
      assert.equal(((await exited) as [number | null])[0], 0);
      const lines = emfLines();
      assert.equal(lines.length, 2, 'one more at SHUTDOWN');
      for (const line of lines) {
        // The EMF specification: _aws.Timestamp (ms), CloudWatchMetrics[] of Namespace, Dimensions (arrays of
        // top-level keys), Metrics (Name, Unit), and every named dimension and metric present at the top level.
        assert.equal(typeof line._aws.Timestamp, 'number');
        assert.ok(Math.abs(line._aws.Timestamp - Date.now()) < 60_000);
        const [directive] = line._aws.CloudWatchMetrics;
        assert.equal(directive.Namespace, 'Parasol');
        assert.deepEqual(directive.Dimensions, [['FunctionName']]);
        assert.equal(line.FunctionName, 'orders-fn');
        for (const metric of directive.Metrics) {
          assert.equal(typeof metric.Name, 'string');
          assert.ok(['Count', 'Milliseconds'].includes(metric.Unit));
          assert.equal(typeof line[metric.Name], 'number', `value of ${metric.Name}`);
        }
      }
      assert.deepEqual(
        [lines[0].Invocations, lines[0].CacheMisses, lines[0].CacheHits, lines[0].UpstreamErrors],
        [2, 1, 1, 0],
        'first line: two invocations, one miss and one hit',
      );
      assert.ok(lines[0].UpstreamCalls >= 1);
      assert.ok(lines[0].UpstreamLatencyAverage > 0);
      assert.deepEqual([lines[1].Invocations, lines[1].CacheMisses, lines[1].CacheHits], [0, 0, 1], 'SHUTDOWN line: what happened since');
      assert.doesNotMatch(ext.output(), /never-in-a-metric/);
    } finally {
      fake.close();
      await serve.stop();
    }
  });
});
