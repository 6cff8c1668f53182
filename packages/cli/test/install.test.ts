/**
 * The packages as a user gets them: `npm run pack` writes one tarball per
 * package, and they are installed into a new project OUTSIDE the repository
 * with no registry reachable — `npm ci --offline` with every proxy pointing at
 * a closed port, so any request that missed npm's cache (filled by the repo's
 * own `npm ci`) fails the test. Then, in that project only: `npx parasol
 * --version`, `npx parasol dev --seed`, and a script that reads the seeded
 * secret with `@parasol/client/extension`.
 *
 * The project gets a package-lock.json made from the repo's (the same
 * third-party versions the repo is tested with): npm needs registry metadata
 * to resolve version ranges, and a lockfile is how an offline install skips
 * that. better-sqlite3's native addon is offered to its installer as a local
 * prebuild (prebuild-install's `<package>_local_prebuilds` option) made from
 * the addon the repo's install compiled, instead of compiling SQLite again.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../../../test-support/processes.js';

const PACKAGES_DIR = join(REPO_ROOT, 'dist/packages');
/** Every workspace package: its folder, name and the tarball `npm pack` names after it. */
const PACKAGES = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces.map((dir) => {
  const { name, version } = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string };
  return { dir, name, version, tarball: join(PACKAGES_DIR, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`) };
});
/** Any request npm or an install script makes to the network goes here and is refused. */
const UNREACHABLE = 'http://127.0.0.1:9';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
interface Lockfile {
  name: string;
  lockfileVersion: number;
  requires: boolean;
  packages: Record<string, LockEntry>;
}

function sha512(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * A package-lock.json for a project depending on the packed tarballs: their
 * entries point at the files, and every third-party package they need at run
 * time is copied from the repo's lockfile (a workspace's own dependency is
 * hoisted there, so every path is `node_modules/…`).
 */
function projectLockfile(): Lockfile {
  const repo = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const packages: Record<string, LockEntry> = {};
  const needed: string[] = [];
  const root: LockEntry = { name: 'parasol-install-test', dependencies: {} };
  for (const { dir, name, tarball: file } of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as LockEntry & {
      name: string;
      license: string;
      engines?: Record<string, string>;
      bin?: Record<string, string>;
    };
    root.dependencies![name] = `file:${file}`;
    const { name: _name, version, license, dependencies, peerDependencies, peerDependenciesMeta, engines, bin } = manifest;
    packages[`node_modules/${name}`] = {
      version,
      resolved: `file:${file}`,
      integrity: sha512(file),
      license,
      ...(dependencies && { dependencies }),
      ...(peerDependencies && { peerDependencies }),
      ...(peerDependenciesMeta && { peerDependenciesMeta }),
      ...(engines && { engines }),
      ...(bin && { bin }),
    };
    for (const dep of Object.keys(dependencies ?? {})) if (!dep.startsWith('@parasol/')) needed.push(`node_modules/${dep}`);
  }
  while (needed.length > 0) {
    const path = needed.pop()!;
    if (packages[path]) continue;
    const entry = repo.packages[path];
    assert.ok(entry, `the repo's package-lock.json has no ${path}`);
    const { dev: _dev, devOptional: _devOptional, ...kept } = entry;
    packages[path] = kept;
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      // Node's resolution: a copy nested under this package, else the hoisted one.
      const nested = `${path}/node_modules/${dep}`;
      if (repo.packages[nested]) needed.push(nested);
      else if (repo.packages[`node_modules/${dep}`]) needed.push(`node_modules/${dep}`);
      else assert.ok(entry.optionalDependencies?.[dep], `${path} needs ${dep}, which the repo's lockfile lacks`);
    }
  }
  return { name: 'parasol-install-test', lockfileVersion: 3, requires: true, packages: { '': root, ...packages } };
}

/** better-sqlite3's compiled addon from the repo's install, as the tarball prebuild-install looks for. */
function betterSqlitePrebuild(dir: string): void {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${pkg.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(dir, name), '-C', join(REPO_ROOT, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node']);
}

describe('packed tarballs installed into a project outside the repo, offline', () => {
  let project: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const pack = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/pack.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(pack.status, 0, `npm run pack failed:\n${pack.stdout}${pack.stderr}`);
    project = await mkdtemp(join(tmpdir(), 'parasol-install-'));
    assert.ok(!project.startsWith(REPO_ROOT), 'the project must be outside the repo');
    const prebuilds = join(project, '.prebuilds');
    await mkdir(prebuilds);
    betterSqlitePrebuild(prebuilds);
    env = {
      ...process.env,
      npm_config_offline: 'true',
      npm_config_proxy: UNREACHABLE,
      npm_config_https_proxy: UNREACHABLE,
      https_proxy: UNREACHABLE,
      http_proxy: UNREACHABLE,
      npm_config_better_sqlite3_local_prebuilds: prebuilds,
      npm_config_update_notifier: 'false',
    };
  });

  after(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  test('npm run pack writes one tarball per package, with dist, README and LICENSE only', () => {
    const files = readdirSync(PACKAGES_DIR).sort();
    assert.deepEqual(files, PACKAGES.map((p) => basename(p.tarball)).sort());
    const license = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
    for (const { name: p, tarball: tgz } of PACKAGES) {
      const entries = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n');
      const outside = entries.filter((e) => !/^package\/(dist|bin)\//.test(e)).sort();
      assert.deepEqual(outside, ['package/LICENSE', 'package/README.md', 'package/package.json'], p);
      assert.ok(!entries.some((e) => /\/(src|test)\//.test(e)), `${p} ships no src/ or test/`);
      assert.equal(execFileSync('tar', ['-xzOf', tgz, 'package/LICENSE'], { encoding: 'utf8' }), license, `${p}: LICENSE is the root's`);
      const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
      assert.equal(manifest.license, 'Apache-2.0', p);
    }
  });

  test('npm ci --offline installs them with the registry unreachable; npx parasol --version runs there', async () => {
    const lock = projectLockfile();
    const manifest = { name: 'parasol-install-test', private: true, type: 'module', dependencies: lock.packages[''].dependencies };
    await writeFile(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {
      cwd: project,
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(install.status, 0, `npm ci --offline failed:\n${install.stdout}${install.stderr}`);
    assert.ok(existsSync(join(project, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')));

    const version = spawnSync('npx', ['--offline', 'parasol', '--version'], { cwd: project, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout, `${PACKAGES.find((p) => p.name === '@parasol/cli')!.version}\n`);
  });

  test('npx parasol dev there serves a seeded secret that @parasol/client/extension reads', async () => {
    assert.ok(existsSync(join(project, 'node_modules/.bin/parasol')), 'installed by the previous test');
    const seed = { secrets: [{ name: 'installed/db', value: { username: 'app', password: 'from-a-packed-install' } }], parameters: [] };
    await writeFile(join(project, 'seed.json'), JSON.stringify(seed));
    await writeFile(
      join(project, 'read.mjs'),
      [
        "import { getSecret } from '@parasol/client/extension';",
        "const value = await getSecret('installed/db', { transform: 'json' });",
        'process.stdout.write(JSON.stringify({ username: value.username, passwordLength: value.password.length }));',
        '',
      ].join('\n'),
    );
    const dev = spawn('npx', ['--offline', 'parasol', 'dev', '--seed', 'seed.json', '--in-memory', '--port', '0', '--serve-port', '0'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // npx runs parasol as a child: signal the whole group
    });
    let output = '';
    dev.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    dev.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    try {
      const ready = await new Promise<{ token: string; port: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`parasol dev was not ready in 30 s:\n${output}`)), 30_000);
        const check = () => {
          const token = output.match(/export AWS_TOKEN=(\S+)/)?.[1];
          const port = output.match(/export PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=(\d+)/)?.[1];
          if (token && port) {
            clearTimeout(timer);
            resolve({ token, port });
          }
        };
        dev.stdout.on('data', check);
        dev.stderr.on('data', check);
        dev.once('exit', (code) => reject(new Error(`parasol dev exited with ${code}:\n${output}`)));
      });
      const read = spawnSync(process.execPath, ['read.mjs'], {
        cwd: project,
        env: { ...env, AWS_TOKEN: ready.token, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: ready.port },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(read.status, 0, read.stderr);
      assert.deepEqual(JSON.parse(read.stdout), { username: 'app', passwordLength: 'from-a-packed-install'.length });
      assert.ok(!output.includes('from-a-packed-install'), 'parasol dev never prints a secret value');
    } finally {
      if (dev.exitCode === null && dev.signalCode === null) {
        const exited = once(dev, 'exit');
        process.kill(-dev.pid!, 'SIGTERM');
        await exited;
      }
    }
  });
});
