/**
 * The deployment examples are what the READMEs say:
 * - examples/sam/template.yaml parses, attaches the layer zips `parasol layer build`
 *   writes, runs the Node.js function on a supported runtime, and sets only the
 *   extension's documented variables, with values the extension accepts;
 * - examples/cdk synthesizes (`npx cdk synth`, its own aws-cdk-lib and aws-cdk from
 *   npm, installed by scripts/setup.sh) with layers built here, attaching the nodejs
 *   layer through CDK's `paramsAndSecrets`.
 * (examples/lambda/handler.ts itself runs in layer.test.ts, against the unpacked nodejs layer.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@parasol/extension';
import { parse, type Tags } from 'yaml';
import { CLI_SOURCE, REPO_ROOT, TS_NODE_ARGS } from '../../../test-support/processes.js';
import { layerFileName } from '../src/layer/build.js';

/** Lambda's Node.js runtimes that are not deprecated (AWS Lambda docs, "Building Lambda functions with Node.js"). */
const SUPPORTED_NODE_RUNTIMES = ['nodejs22.x', 'nodejs24.x'];
const EXAMPLE_VARIABLES = ['DB_SECRET_ID', 'FEATURE_PARAMETER'];

// CloudFormation's short-form intrinsics, kept as { Ref: … } / { 'Fn::Sub': … } objects.
const cloudFormationTags: Tags = ['Ref', 'Sub', 'GetAtt', 'Join', 'If', 'Equals', 'Select', 'Split'].flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  return (['scalar', 'seq'] as const).map((nodeClass) => ({
    tag: `!${name}`,
    collection: nodeClass === 'seq' ? ('seq' as const) : undefined,
    resolve: (value: unknown) => ({
      [key]: typeof value === 'object' && value && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value,
    }),
  }));
});

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { ...options, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('examples/sam/template.yaml', () => {
  const template = parse(readFileSync(join(REPO_ROOT, 'examples/sam/template.yaml'), 'utf8'), { customTags: cloudFormationTags }) as {
    Transform: string;
    Globals: { Function: { Environment: { Variables: Record<string, unknown> } } };
    Resources: Record<string, Resource>;
  };
  const resources = template.Resources;

  test('parses as a SAM template', () => {
    assert.equal(template.Transform, 'AWS::Serverless-2016-10-31');
    assert.deepEqual(resources.NodeFunction.Properties.Layers, [{ Ref: 'ParasolNodejsLayer' }]);
  });

  test('attaches the zips parasol layer build writes, for the runtimes and architectures they run on', () => {
    const nodejs = resources.ParasolNodejsLayer.Properties;
    assert.equal(nodejs.ContentUri, `../../dist/layers/${layerFileName('nodejs')}`);
    assert.deepEqual(nodejs.CompatibleRuntimes, SUPPORTED_NODE_RUNTIMES);
    const arm64 = resources.ParasolArm64Layer.Properties;
    assert.equal(arm64.ContentUri, `../../dist/layers/${layerFileName('arm64')}`);
    assert.deepEqual(arm64.CompatibleArchitectures, ['arm64']);
    assert.deepEqual(resources.PythonFunction.Properties.Layers, [{ Ref: 'ParasolArm64Layer' }]);
    assert.deepEqual(resources.PythonFunction.Properties.Architectures, ['arm64']);
  });

  test('the Node.js function runs examples/lambda/handler.ts on a supported runtime', () => {
    const fn = resources.NodeFunction.Properties;
    assert.ok(SUPPORTED_NODE_RUNTIMES.includes(fn.Runtime as string), `Runtime ${fn.Runtime}`);
    assert.equal(fn.CodeUri, '../lambda/');
    assert.equal(fn.Handler, 'handler.handler');
    assert.ok(existsSync(join(REPO_ROOT, 'examples/lambda/handler.ts')));
  });

  test("sets only the extension's documented variables, with values it accepts", async () => {
    const variables = template.Globals.Function.Environment.Variables;
    const readme = await readFile(join(REPO_ROOT, 'packages/extension/README.md'), 'utf8');
    const extensionEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      if (EXAMPLE_VARIABLES.includes(name)) continue;
      assert.ok(readme.includes(`\`${name}\``), `${name} is documented in packages/extension/README.md`);
      assert.equal(typeof value, 'string', `${name} is a string`);
      extensionEnv[name] = value as string;
    }
    assert.deepEqual(Object.keys(extensionEnv).sort(), [
      'PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE',
      'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
      'PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL',
      'SECRETS_MANAGER_TTL',
      'SSM_PARAMETER_STORE_TTL',
    ]);
    const { config, warnings } = loadConfig({ AWS_REGION: 'us-east-1', AWS_SESSION_TOKEN: 't', ...extensionEnv });
    assert.deepEqual(warnings, []);
    assert.equal(config.httpPort, 2773);
  });
});

describe('examples/cdk: npx cdk synth', () => {
  const cdkDir = join(REPO_ROOT, 'examples/cdk');
  let work: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'parasol-cdk-'));
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('synthesizes with the layers built here; the Node.js function gets the nodejs layer through paramsAndSecrets', async () => {
    assert.ok(existsSync(join(cdkDir, 'node_modules/aws-cdk-lib')), 'examples/cdk has its own dependencies: run bash scripts/setup.sh');
    const layers = join(work, 'layers');
    const build = await run(process.execPath, [...TS_NODE_ARGS, CLI_SOURCE, 'layer', 'build', '--only', 'nodejs,arm64', '--out', layers], {
      cwd: REPO_ROOT,
    });
    assert.equal(build.code, 0, build.output);
    const out = join(work, 'cdk.out');
    const synth = await run('npx', ['--offline', 'cdk', 'synth', '--quiet', '--output', out], {
      cwd: cdkDir,
      env: { PARASOL_LAYERS_DIR: layers, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });
    assert.equal(synth.code, 0, synth.output);

    const template = JSON.parse(await readFile(join(out, 'ParasolExample.template.json'), 'utf8')) as {
      Resources: Record<string, Resource>;
    };
    const byType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
    const layerIds = Object.fromEntries(byType('AWS::Lambda::LayerVersion').map(([id, r]) => [r.Properties.Description as string, id]));
    const nodejsLayer = Object.entries(layerIds).find(([description]) => description.includes('Node.js'))![1];
    const functions = byType('AWS::Lambda::Function').map(([, r]) => r.Properties);
    const node = functions.find((f) => String(f.Runtime).startsWith('nodejs'))!;
    assert.ok(SUPPORTED_NODE_RUNTIMES.includes(node.Runtime as string), `Runtime ${node.Runtime}`);
    assert.deepEqual(node.Layers, [{ Ref: nodejsLayer }]);
    const variables = (node.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.equal(variables.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, '2773');
    assert.equal(variables.PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE, '1000');
    assert.equal(variables.SECRETS_MANAGER_TTL, '300');
    const python = functions.find((f) => String(f.Runtime).startsWith('python'))!;
    assert.equal((python.Layers as unknown[]).length, 1);
  });
});
