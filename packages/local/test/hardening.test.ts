/**
 * The rules `parasol serve` enforces beyond SigV4 (README: "Hardening rules the
 * server enforces"), each against a real process over real sockets.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';
import { rawRequest, unfinishedHeaders } from '../../../test-support/raw-http.ts';
import { signRequest } from '../../../test-support/sigv4.ts';

const running: ServeProcess[] = [];
const dirs: string[] = [];
const serve = async (args: string[] = []) => {
  const s = await startServe(args);
  running.push(s);
  return s;
};
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'parasol-hardening-'));
  dirs.push(d);
  return d;
};
after(async () => {
  for (const s of running) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A correctly signed ListSecrets sent with the given Host header (signed as sent). */
const listWithHost = (url: string, host: string) => {
  const body = '{}';
  const headers = signRequest({
    headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
    body,
    service: 'secretsmanager',
  });
  return rawRequest(url, { headers, body });
};
const portOf = (url: string) => new URL(url).port;
/** Lines of the server's JSON log with this `msg`. */
const logLines = (s: ServeProcess, msg: string) =>
  s
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);

describe('Host allow-list (DNS rebinding)', () => {
  it('bound to loopback, answers loopback names and refuses any other Host, naming --allow-host', async () => {
    const s = await serve();
    const port = portOf(s.url);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `127.0.0.2:${port}`, 'LOCALHOST']) {
      assert.equal((await listWithHost(s.url, host)).status, 200, host);
    }
    const refused = await listWithHost(s.url, `evil.example:${port}`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.__type, 'HostNotAllowed');
    assert.match(String(refused.body.message), /^Host 'evil\.example' is not allowed: .* --allow-host evil\.example to accept it\.$/);
    // Admin routes too, and the refusal comes before anything else.
    const health = await rawRequest(s.url, { method: 'GET', path: '/_parasol/health', headers: { host: 'evil.example' } });
    assert.equal(health.status, 403);
    assert.equal(health.body.__type, 'HostNotAllowed');
  });

  it('--allow-host NAME (repeatable) adds names; others stay refused', async () => {
    const s = await serve(['--allow-host', 'parasol', '--allow-host', 'Secrets.Internal']);
    const port = portOf(s.url);
    assert.equal((await listWithHost(s.url, `parasol:${port}`)).status, 200);
    assert.equal((await listWithHost(s.url, 'secrets.internal')).status, 200);
    assert.equal((await listWithHost(s.url, `localhost:${port}`)).status, 200);
    const refused = await listWithHost(s.url, 'other.internal');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.__type, 'HostNotAllowed');
  });
});

describe('admin routes refuse requests carrying Origin', () => {
  it('a cross-origin text/plain reset is refused and the store is unchanged; health and clock refuse it too', async () => {
    const s = await serve(['--allow-reset', '--allow-clock-control']);
    const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(s.url));
    await sm.send(new CreateSecretCommand({ Name: 'survives', SecretString: 'v' }));
    const origin = { origin: 'http://evil.example', 'content-type': 'text/plain' };
    const reset = await rawRequest(s.url, { path: '/_parasol/reset', headers: origin, body: 'x' });
    assert.equal(reset.status, 403);
    assert.equal(reset.body.__type, 'AccessDeniedException');
    assert.match(String(reset.body.Message), /^Admin routes refuse requests that carry an Origin header/);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'survives' }))).SecretString, 'v');
    const clock = await rawRequest(s.url, { path: '/_parasol/clock', headers: origin, body: '{"advanceSeconds":86400}' });
    assert.equal(clock.status, 403);
    const health = await rawRequest(s.url, { method: 'GET', path: '/_parasol/health', headers: { origin: 'null' } });
    assert.equal(health.status, 403);
    // Without Origin the same reset works: the refusal above was the header.
    assert.equal((await rawRequest(s.url, { path: '/_parasol/reset', headers: { 'content-type': 'text/plain' } })).status, 200);
    assert.deepEqual((await sm.send(new ListSecretsCommand({}))).SecretList, []);
    sm.destroy();
  });

  it('the clock endpoint is 403 without --allow-clock-control, naming the option', async () => {
    const s = await serve();
    const res = await rawRequest(s.url, { path: '/_parasol/clock', body: '{"advanceSeconds":60}' });
    assert.equal(res.status, 403);
    assert.equal(res.body.__type, 'AccessDeniedException');
    assert.equal(res.body.Message, 'Clock control is disabled: start parasol serve with --allow-clock-control.');
  });
});

describe('credentials', () => {
  it('an unknown access key gets UnrecognizedClientException; the log names it once, with the configured key ids and how to add one', async () => {
    const dir = tempDir();
    const file = join(dir, 'credentials.json');
    writeFileSync(file, JSON.stringify([{ accessKeyId: 'AKIDCONFIGURED', secretAccessKey: 'SECRET-never-logged-91c2' }]));
    const s = await serve(['--credentials', file]);
    const stranger = new SecretsManagerClient({
      ...TEST_CLIENT_CONFIG(s.url),
      credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    for (let i = 0; i < 3; i++) {
      await assert.rejects(stranger.send(new ListSecretsCommand({})), {
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
    }
    stranger.destroy();
    const lines = logLines(s, 'unknown access key');
    assert.equal(lines.length, 1, s.output());
    assert.equal(lines[0].level, 'info');
    assert.equal(lines[0].accessKeyId, 'AKIDSTRANGER');
    assert.deepEqual(lines[0].configuredAccessKeyIds, ['AKIDCONFIGURED']);
    assert.match(String(lines[0].howToAdd), /--credentials FILE/);
    assert.equal(s.output().includes('SECRET-never-logged-91c2'), false);
    // The configured key works.
    const known = new SecretsManagerClient({
      ...TEST_CLIENT_CONFIG(s.url),
      credentials: { accessKeyId: 'AKIDCONFIGURED', secretAccessKey: 'SECRET-never-logged-91c2' },
    });
    assert.deepEqual((await known.send(new ListSecretsCommand({}))).SecretList, []);
    known.destroy();
  });

  it('--credentials any accepts any key and any signature, and says so at start as a warning', async () => {
    const s = await serve(['--credentials', 'any']);
    const warning = logLines(s, 'credentials any: every access key is accepted and no signature is checked; for throwaway use only');
    assert.equal(warning.length, 1, s.output());
    assert.equal(warning[0].level, 'warn');
    const anyone = new SecretsManagerClient({
      ...TEST_CLIENT_CONFIG(s.url, 'eu-central-1'),
      credentials: { accessKeyId: 'ANYTHING', secretAccessKey: 'wrong-on-purpose' },
    });
    await anyone.send(new CreateSecretCommand({ Name: 'any/secret', SecretString: 'v' }));
    assert.equal((await anyone.send(new GetSecretValueCommand({ SecretId: 'any/secret' }))).SecretString, 'v');
    anyone.destroy();
  });
});

describe('files on disk', () => {
  it('parasol.db, its WAL and master.key are 0600 and the directory 0700, even under umask 000', async () => {
    const dir = join(tempDir(), 'data');
    const previous = process.umask(0o000); // inherited by the child: only the modes parasol asks for protect the files
    let s: ServeProcess;
    try {
      s = await serve(['--data', dir]);
    } finally {
      process.umask(previous);
    }
    const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(s.url));
    await sm.send(new CreateSecretCommand({ Name: 'on-disk', SecretString: 'v' }));
    sm.destroy();
    const files = readdirSync(dir).sort();
    assert.ok(files.includes('parasol.db-wal'), `WAL present: ${files}`);
    for (const f of files) assert.equal(modeOf(join(dir, f)), '600', `${f} mode`);
    assert.deepEqual(
      files.filter((f) => !['parasol.db', 'parasol.db-wal', 'master.key'].includes(f)),
      [],
    );
    assert.equal(modeOf(dir), '700');
    assert.equal(logLines(s, 'data directory is open to other users').length, 0);
  });

  it('tightens files an older version left 0644, and warns when the directory is open to others', async () => {
    const dir = join(tempDir(), 'data');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    for (const f of ['parasol.db', 'parasol.db-wal']) {
      writeFileSync(join(dir, f), '');
      chmodSync(join(dir, f), 0o644);
    }
    const s = await serve(['--data', dir]);
    for (const f of ['parasol.db', 'master.key']) assert.equal(modeOf(join(dir, f)), '600', f);
    const warning = logLines(s, 'data directory is open to other users');
    assert.equal(warning.length, 1, s.output());
    assert.equal(warning[0].level, 'warn');
    assert.equal(warning[0].mode, '0755');
    assert.equal(warning[0].fix, `chmod 700 ${dir}`);
  });
});

describe('server limits', () => {
  it('a client that never finishes its headers is answered 408 and disconnected within the 10 s headers timeout', async () => {
    const s = await serve();
    const { answer, elapsedMs } = await unfinishedHeaders(s.url, 25_000);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(elapsedMs >= 9_000 && elapsedMs < 20_000, `closed after ${elapsedMs} ms`);
  });
});

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}
