/**
 * The `parasol` command as a user meets it: every message and exit code of
 * main, help, --version and the usage errors; each command's --help listing
 * each flag; `dev` (request lines, --log-level, tokens, the printed lines, seed
 * checks); the log format on a terminal (a real pseudo-terminal from
 * script(1)) and off it. Real processes throughout.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CLI_SOURCE,
  nodeForCli,
  REPO_ROOT,
  type RunningProcess,
  SQLITE_NODE,
  spawnTs,
  TS_NODE_ARGS,
} from '../../../test-support/processes.js';
import * as dev from '../src/commands/dev.js';
import * as extension from '../src/commands/extension.js';
import * as layer from '../src/commands/layer.js';
import * as serve from '../src/commands/serve.js';

const VERSION = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')).version as string;

/** Runs `parasol ...args` to completion. */
function parasol(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(nodeForCli(args), [...TS_NODE_ARGS, CLI_SOURCE, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, PARASOL_LOG_FORMAT: '', ...env },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'parasol-cli-test-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('parasol: version, help and usage errors', () => {
  test('--version and -v print the package version and exit 0', () => {
    for (const flag of ['--version', '-v']) assert.deepEqual(parasol([flag]), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test("'parasol help <command>' prints exactly '<command> --help'", () => {
    for (const command of ['serve', 'extension', 'dev', 'layer']) {
      const help = parasol(['help', command]);
      assert.equal(help.code, 0);
      assert.equal(help.stdout, parasol([command, '--help']).stdout);
      assert.match(help.stdout, new RegExp(`^usage: parasol ${command}`));
    }
  });

  test('no command, help and --help print the usage listing every command', () => {
    for (const args of [[], ['help'], ['--help'], ['-h']]) {
      const run = parasol(args);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /^usage: parasol <command> \[options\]/);
      for (const command of ['serve', 'extension', 'dev', 'layer']) assert.match(run.stdout, new RegExp(`\\n  ${command} +\\S`));
    }
  });

  test('an unknown command (also after help) exits 2 with the usage on stderr', () => {
    for (const args of [['deploy'], ['help', 'deploy']]) {
      const run = parasol(args);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^parasol: unknown command 'deploy'\n\nusage: parasol <command>/);
    }
  });

  test('what was typed is echoed with its control characters escaped', () => {
    const run = parasol(['bad\u001b[31m\nname']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^parasol: unknown command 'bad\\x1b\[31m\\nname'\n\n/);
  });

  test("'parasol layer' without a subcommand prints the usage on stderr and exits 2", () => {
    const run = parasol(['layer']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `parasol layer: missing subcommand\n\n${layer.HELP}\n`);
  });

  test('an unknown flag and a bad flag value are usage errors (exit 2) pointing at --help', () => {
    const cases: [string[], string][] = [
      [['serve', '--bogus'], "parasol serve: Unknown option '--bogus'"],
      [['serve', '--port', '70000'], "parasol serve: --port must be an integer 0-65535, got '70000' (see 'parasol serve --help')"],
      [
        ['serve', '--log-level', 'verbose'],
        "parasol serve: --log-level must be one of debug, info, warn, error, none (any case), got 'verbose'",
      ],
      [['dev', '--log-format', 'yaml'], "parasol dev: --log-format must be text or json, got 'yaml' (see 'parasol dev --help')"],
      [['dev', '--data', 'x', '--in-memory'], "parasol dev: --data and --in-memory are mutually exclusive (see 'parasol dev --help')"],
      [['dev', '--token', ''], "parasol dev: --token must not be empty (see 'parasol dev --help')"],
      [
        ['extension', '--log-level', 'trace'],
        "parasol extension: --log-level must be one of debug, info, warn, error, none (any case), got 'trace'",
      ],
    ];
    for (const [args, message] of cases) {
      const run = parasol(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stderr.startsWith(message), `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /\(see 'parasol \w+ --help'\)\n$/);
    }
  });

  test("every command's --help lists every flag the command takes", () => {
    const commands: [string, string, Record<string, unknown>][] = [
      ['serve', serve.HELP, serve.OPTIONS],
      ['extension', extension.HELP, extension.OPTIONS],
      ['dev', dev.HELP, dev.OPTIONS],
      ['layer build', layer.HELP, layer.OPTIONS],
    ];
    for (const [name, help, options] of commands) {
      for (const flag of Object.keys(options)) {
        if (flag === 'help') continue;
        // Described on a line of its own, not only in the synopsis.
        assert.match(help, new RegExp(`\\n  --${flag}\\b`), `parasol ${name} --help does not describe --${flag}`);
      }
    }
  });
});

describe('parasol serve: messages', () => {
  test('a database that cannot be opened is named, with the reason (exit 1)', () => {
    const data = join(work, 'db-is-a-directory');
    const file = join(data, 'parasol.db');
    mkdirSync(file, { recursive: true, mode: 0o700 });
    const run = parasol(['serve', '--port', '0', '--data', data]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `parasol: cannot open the database ${file}: EISDIR: illegal operation on a directory, open '${file}' (is it a file, and is its directory writable?)\n`,
    );
  });
});

describe('parasol serve: SQLite\'s own "unable to open database file"', () => {
  test('names the database file (exit 1): here its write-ahead log cannot be created', () => {
    const data = join(work, 'wal-cannot-be-created');
    mkdirSync(data, { mode: 0o700 });
    symlinkSync(join(work, 'no-such-directory', 'wal'), join(data, 'parasol.db-wal'));
    const run = parasol(['serve', '--port', '0', '--data', data]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `parasol: cannot open the database ${join(data, 'parasol.db')}: unable to open database file (is it a file, and is its directory writable?)\n`,
    );
  });
});

describe('parasol dev: seed file checks', () => {
  const cases: [string, unknown, string][] = [
    [
      'top level',
      { secret: [{ name: 'a', value: 'b' }] },
      'unknown key "secret" in the top level (allowed: secrets, parameters, $comment, $schema)',
    ],
    [
      'a secret',
      { secrets: [{ name: 'a', vaule: 'b' }] },
      'unknown key "vaule" in secrets[0] (allowed: name, value, binary, description, $comment)',
    ],
    [
      'a parameter',
      { parameters: [{ name: '/a', value: 'b', Type: 'String' }] },
      'unknown key "Type" in parameters[0] (allowed: name, value, type, description, $comment)',
    ],
  ];
  for (const [where, content, message] of cases) {
    test(`an unknown key in ${where} is refused by name (exit 1) and nothing is written`, () => {
      const file = join(work, `seed-${where.replace(/ /g, '-')}.json`);
      writeFileSync(file, JSON.stringify(content));
      const data = join(work, `data-${where.replace(/ /g, '-')}`);
      const run = parasol(['dev', '--port', '0', '--serve-port', '0', '--data', data, '--seed', file]);
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `parasol: --seed ${file}: ${message}\n`);
      assert.equal(existsSync(data), false, 'the store was not even created');
    });
  }
});

/** Starts `parasol dev` in memory on free ports and waits for the printed block. */
async function startDev(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningProcess & { extensionUrl: string }> {
  const proc = await spawnTs(CLI_SOURCE, ['dev', '--port', '0', '--serve-port', '0', '--in-memory', ...args], {
    env: { PARASOL_LOG_FORMAT: '', AWS_TOKEN: '', ...env },
    readyPattern: /Ctrl-C stops both/,
  });
  const url = proc.output().match(/'(http:\/\/127\.0\.0\.1:\d+)\/secretsmanager\/get/);
  assert.ok(url, proc.output());
  return { ...proc, extensionUrl: url[1] };
}

async function waitForOutput(proc: RunningProcess, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 200 && !pattern.test(proc.output()); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(proc.output(), pattern);
}

describe('parasol dev', () => {
  let seeded: RunningProcess & { extensionUrl: string };
  let token: string;
  before(async () => {
    seeded = await startDev(['--seed', 'examples/seed.json']);
    token = seeded.output().match(/export AWS_TOKEN=(\w+)/)![1];
  });
  after(() => seeded?.stop());

  test('prints the exports, two curls with the generated token and an aws CLI line with --region', () => {
    const out = seeded.output();
    const serviceUrl = out.match(/export AWS_ENDPOINT_URL=(\S+) AWS_REGION=us-east-1 /)![1];
    assert.match(
      out,
      new RegExp(
        `curl -s -H "X-Aws-Parameters-Secrets-Token: ${token}" '${seeded.extensionUrl}/secretsmanager/get\\?secretId=demo%2Fdb-credentials'`,
      ),
    );
    assert.ok(
      out.includes(
        `  aws secretsmanager get-secret-value --secret-id 'demo/db-credentials' --endpoint-url ${serviceUrl} --region us-east-1\n`,
      ),
      out,
    );
  });

  test('logs one JSON line per request at info (off a terminal): method, route, id, status, cache outcome, ms', async () => {
    const headers = { 'X-Aws-Parameters-Secrets-Token': token };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${seeded.extensionUrl}/secretsmanager/get?secretId=demo%2Fapi-key`, { headers });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    assert.equal((await fetch(`${seeded.extensionUrl}/systemsmanager/parameters/get?name=%2Fnope`, { headers })).status, 400);
    assert.equal((await fetch(`${seeded.extensionUrl}/secretsmanager/get?secretId=demo%2Fapi-key`)).status, 401);
    await waitForOutput(seeded, /"status":401/);
    const requests = seeded
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((r) => r.msg === 'request')
      .map(({ time, ms, ...rest }) => {
        assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(typeof ms === 'number' || ms === undefined, true);
        return rest;
      });
    const common = { level: 'info', component: 'extension', msg: 'request', method: 'GET' };
    assert.deepEqual(requests, [
      { ...common, route: '/secretsmanager/get', id: 'demo/api-key', status: 200, cache: 'miss' },
      { ...common, route: '/secretsmanager/get', id: 'demo/api-key', status: 200, cache: 'hit' },
      {
        ...common,
        route: '/systemsmanager/parameters/get',
        id: '/nope',
        withDecryption: false,
        status: 400,
        cache: 'miss',
        error: 'ParameterNotFound',
      },
      { ...common, route: '/secretsmanager/get', status: 401, error: 'MissingTokenException' },
    ]);
    assert.equal(seeded.output().includes('sk_test_parasol_local_only'), false, 'no value in the log');
  });

  test('--log-level warn: no request lines; --log-format text: the same line as text', async () => {
    const quiet = await startDev(['--log-level', 'warn'], { AWS_TOKEN: 'quiet-token' });
    try {
      const res = await fetch(`${quiet.extensionUrl}/secretsmanager/get?secretId=x`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': 'quiet-token' },
      });
      assert.equal(res.status, 400);
      await new Promise((r) => setTimeout(r, 200));
      assert.doesNotMatch(quiet.output(), /request/);
    } finally {
      await quiet.stop();
    }
    const text = await startDev(['--log-format', 'text'], { AWS_TOKEN: 'text-token' });
    try {
      await fetch(`${text.extensionUrl}/secretsmanager/get?secretId=x`, { headers: { 'X-Aws-Parameters-Secrets-Token': 'text-token' } });
      await waitForOutput(text, /request method=GET/);
      assert.match(
        text.output(),
        /\n\d\d:\d\d:\d\d\.\d{3}Z INFO {2}extension: request method=GET route=\/secretsmanager\/get id=x status=400 cache=miss error=ResourceNotFoundException ms=[\d.]+\n/,
      );
      assert.doesNotMatch(text.output(), /^\{/m, 'no JSON line');
    } finally {
      await text.stop();
    }
  });

  test('keeps AWS_TOKEN from the environment across a restart and never prints it; --token is used as given', async () => {
    const envToken = 'kept-across-restarts-0123456789';
    for (let run = 0; run < 2; run++) {
      const proc = await startDev([], { AWS_TOKEN: envToken });
      try {
        const res = await fetch(`${proc.extensionUrl}/ping`);
        assert.equal(res.status, 200);
        const noSuch = await fetch(`${proc.extensionUrl}/secretsmanager/get?secretId=none`, {
          headers: { 'X-Aws-Parameters-Secrets-Token': envToken },
        });
        assert.equal(noSuch.status, 400, 'the environment token is accepted (400 = the secret does not exist)');
        assert.equal(proc.output().includes(envToken), false, 'the token is not printed');
        assert.match(proc.output(), /# AWS_TOKEN: kept from your environment/);
        assert.match(proc.output(), /curl -s -H "X-Aws-Parameters-Secrets-Token: \$AWS_TOKEN" /);
        assert.match(proc.output(), /"token":"from \$AWS_TOKEN"/);
      } finally {
        await proc.stop();
      }
    }
    const given = await startDev(['--token', 'from-the-flag'], { AWS_TOKEN: envToken });
    try {
      const res = await fetch(`${given.extensionUrl}/secretsmanager/get?secretId=none`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': 'from-the-flag' },
      });
      assert.equal(res.status, 400);
      const refused = await fetch(`${given.extensionUrl}/secretsmanager/get?secretId=none`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': envToken },
      });
      assert.equal(refused.status, 403);
      assert.match(given.output(), /export AWS_TOKEN=from-the-flag\n/);
    } finally {
      await given.stop();
    }
  });
});

describe('log format on a terminal and off it', () => {
  const scriptAvailable = spawnSync('script', ['--version']).status === 0;

  /** Runs `parasol serve` until its ready line, under a pseudo-terminal (script(1)) or with pipes; returns what it wrote. */
  async function serveOutput(onTerminal: boolean, env: NodeJS.ProcessEnv = {}): Promise<string> {
    const command = [SQLITE_NODE, ...TS_NODE_ARGS, CLI_SOURCE, 'serve', '--port', '0', '--in-memory'];
    const quoted = command.map((a) => `'${a}'`).join(' ');
    const child = onTerminal
      ? spawn('script', ['-qefc', quoted, '/dev/null'], { cwd: REPO_ROOT, env: { ...process.env, PARASOL_LOG_FORMAT: '', ...env } })
      : spawn(command[0], command.slice(1), { cwd: REPO_ROOT, env: { ...process.env, PARASOL_LOG_FORMAT: '', ...env } });
    let output = '';
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line:\n${output}`)), 30_000);
      const onData = (c: Buffer) => {
        output += c.toString();
        if (/listening on/.test(output) && /\n/.test(output.slice(output.indexOf('listening on')))) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
    try {
      await done;
    } finally {
      child.kill('SIGTERM');
      spawnSync('pkill', ['-TERM', '-P', String(child.pid)]);
    }
    return output;
  }

  test('on a terminal: readable text', { skip: !scriptAvailable && 'script(1) is not installed' }, async () => {
    const out = await serveOutput(true);
    assert.match(
      out,
      /\d\d:\d\d:\d\d\.\d{3}Z INFO {2}serve: listening on http:\/\/127\.0\.0\.1:\d+ region=us-east-1 data="in memory"\r?\n/,
    );
  });

  test('off a terminal: one JSON object per line', async () => {
    const out = await serveOutput(false);
    const record = JSON.parse(out.trim().split('\n').pop()!);
    assert.equal(record.level, 'info');
    assert.equal(record.component, 'serve');
    assert.match(record.msg, /^listening on http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(record.data, 'in memory');
  });

  test('the extension with PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL=NONE (AWS name) writes nothing, and serves', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [...TS_NODE_ARGS, CLI_SOURCE, 'extension'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'NONE',
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
        AWS_TOKEN: 'silent-token',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_LAMBDA_RUNTIME_API: '',
      },
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c));
    child.stderr!.on('data', (c: Buffer) => (output += c));
    try {
      let status = 0;
      for (let i = 0; i < 400 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${port}/ping`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status, 200, output);
      const miss = await fetch(`http://127.0.0.1:${port}/secretsmanager/get?secretId=x`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': 'silent-token' },
      });
      assert.equal(miss.status, 502, 'the upstream is down');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(output, '');
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('PARASOL_LOG_FORMAT=json on a terminal gives JSON', { skip: !scriptAvailable && 'script(1) is not installed' }, async () => {
    const out = await serveOutput(true, { PARASOL_LOG_FORMAT: 'json' });
    assert.match(out, /\{"time":"[^"]+","level":"info","component":"serve","msg":"listening on http:/);
  });
});
