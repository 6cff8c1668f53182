/**
 * `parasol dev`: the local Secrets Manager + Parameter Store and the caching
 * extension in one process, seeded from a JSON file through the AWS API
 * (signed HTTP, exactly as any client would), with a fresh token and a
 * ready-to-paste curl.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  AwsJsonClient,
  createCredentialSource,
  loadConfig,
  packageVersion,
  type RunningExtension,
  startExtension,
} from '@parasol/extension';
import { type LocalService, startLocalService } from '@parasol/local';

const HELP = `usage: parasol dev [--seed FILE] [--port 2773] [--serve-port 2774] [--data DIR | --in-memory] [--region us-east-1]
                  [--functions FILE] [--allow-host NAME]...

Runs the local Secrets Manager + Parameter Store (--serve-port) and the caching
extension (--port) together, seeds them from FILE (see examples/seed.json),
and prints a token, the environment variables and a ready curl.
  --seed FILE      JSON {"secrets": [...], "parameters": [...]}; idempotent on re-run
  --data DIR       durable store (default ./.data); --in-memory for a throwaway one
  --functions FILE rotation functions for RotateSecret, as for parasol serve (packages/rotation/README.md)
  --allow-host NAME the local service also answers Host NAME (repeatable), as for parasol serve`;

interface SeedSecret {
  name: string;
  value?: string | Record<string, unknown>;
  binary?: string;
  description?: string;
}
interface SeedParameter {
  name: string;
  value: string;
  type?: 'String' | 'StringList' | 'SecureString';
  description?: string;
}
export interface SeedFile {
  secrets: SeedSecret[];
  parameters: SeedParameter[];
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      seed: { type: 'string' },
      port: { type: 'string', default: '2773' },
      'serve-port': { type: 'string', default: '2774' },
      data: { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      region: { type: 'string', default: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' },
      functions: { type: 'string' },
      'allow-host': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.data && values['in-memory']) throw new Error('--data and --in-memory are mutually exclusive');
  const port = portFlag('--port', values.port!);
  const servePort = portFlag('--serve-port', values['serve-port']!);
  const region = values.region!;
  const seed = values.seed ? readSeedFile(values.seed) : undefined;
  const dataDir = values['in-memory'] ? undefined : (values.data ?? '.data');

  const service = await startLocalService({
    port: servePort,
    dataDir,
    inMemory: !dataDir,
    region,
    functions: values.functions,
    allowHosts: values['allow-host'],
    logLevel: 'warn',
  });
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`parasol dev: local Secrets Manager + Parameter Store on ${service.url} (${dataDir ? `data in ${dataDir}` : 'in memory'})`);

  let extension: RunningExtension | undefined;
  try {
    if (seed) out(`parasol dev: seeded from ${values.seed}: ${await applySeed(seed, service.url, region)}`);
    const token = randomBytes(24).toString('hex');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_TOKEN: token,
      AWS_REGION: region,
      AWS_ENDPOINT_URL: service.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: '',
      AWS_ENDPOINT_URL_SSM: '',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: '',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port || 2773),
    };
    const { config, warnings } = loadConfig(env);
    if (port === 0) config.httpPort = 0; // in-process use may ask for any free port
    extension = await startExtension(config);
    for (const w of warnings) out(`parasol dev: warning: ${w}`);
    const secret = seed?.secrets[0]?.name;
    const parameter = seed?.parameters[0]?.name;
    out(`parasol dev: extension on ${extension.url} — ready`);
    out();
    out('  # in your shell, or your function’s environment:');
    out(`  export AWS_TOKEN=${token}`);
    out(`  export PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=${extension.port}`);
    out(`  export AWS_ENDPOINT_URL=${service.url} AWS_REGION=${region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`);
    out();
    out('  # try it:');
    out(
      `  curl -s -H "X-Aws-Parameters-Secrets-Token: ${token}" '${extension.url}/secretsmanager/get?secretId=${encodeURIComponent(secret ?? 'my-secret')}'`,
    );
    out(
      `  curl -s -H "X-Aws-Parameters-Secrets-Token: ${token}" '${extension.url}/systemsmanager/parameters/get?name=${encodeURIComponent(parameter ?? '/my/parameter')}&withDecryption=true'`,
    );
    out();
    out('  Ctrl-C stops both.');
  } catch (e) {
    await service.close();
    throw e;
  }
  closeOnSignals(service, extension);
}

function closeOnSignals(service: LocalService, extension: RunningExtension): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    extension
      .close()
      .then(() => service.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function portFlag(flag: string, raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new Error(`${flag} must be an integer 0-65535, got '${raw}'`);
  return port;
}

/** Reads and validates the seed file; errors name the file and the offending entry. */
export function readSeedFile(file: string): SeedFile {
  let parsed: any;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--seed ${file}: ${e instanceof Error ? e.message : 'cannot be read'}`);
  }
  const secrets = parsed?.secrets ?? [];
  const parameters = parsed?.parameters ?? [];
  if (!Array.isArray(secrets) || !Array.isArray(parameters)) throw new Error(`--seed ${file}: "secrets" and "parameters" must be lists`);
  secrets.forEach((s: any, i: number) => {
    const ok =
      s &&
      typeof s.name === 'string' &&
      (typeof s.value === 'string' || (s.value && typeof s.value === 'object') || typeof s.binary === 'string') &&
      !(s.value !== undefined && s.binary !== undefined);
    if (!ok)
      throw new Error(`--seed ${file}: secrets[${i}] needs "name" and exactly one of "value" (string or object) or "binary" (base64)`);
  });
  parameters.forEach((p: any, i: number) => {
    const ok =
      p &&
      typeof p.name === 'string' &&
      typeof p.value === 'string' &&
      [undefined, 'String', 'StringList', 'SecureString'].includes(p.type);
    if (!ok)
      throw new Error(`--seed ${file}: parameters[${i}] needs "name", "value" (string) and "type" String, StringList or SecureString`);
  });
  return { secrets, parameters };
}

/**
 * Writes the seed through the AWS API. Idempotent: an existing secret or
 * parameter with the same value is left alone; a changed one gets a new version.
 */
export async function applySeed(seed: SeedFile, endpoint: string, region: string): Promise<string> {
  const common = {
    endpoint,
    region,
    credentials: createCredentialSource({ accessKeyId: 'test', secretAccessKey: 'test' }),
    maxSockets: 4,
    timeoutMs: 10_000,
    userAgent: `parasol/${packageVersion()} parasol-dev-seed`,
  };
  const sm = new AwsJsonClient({ ...common, service: 'secretsmanager', targetPrefix: 'secretsmanager' });
  const ssm = new AwsJsonClient({ ...common, service: 'ssm', targetPrefix: 'AmazonSSM' });
  const counts = { created: 0, updated: 0, unchanged: 0 };
  try {
    for (const s of seed.secrets) {
      const value =
        s.binary !== undefined
          ? { SecretBinary: s.binary }
          : { SecretString: typeof s.value === 'string' ? s.value : JSON.stringify(s.value) };
      try {
        await sm.call('CreateSecret', {
          Name: s.name,
          ClientRequestToken: randomUUID(),
          ...(s.description && { Description: s.description }),
          ...value,
        });
        counts.created++;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ResourceExistsException') throw e;
        const current = await sm
          .call<{ SecretString?: string; SecretBinary?: string }>('GetSecretValue', { SecretId: s.name })
          .catch(() => ({}) as { SecretString?: string; SecretBinary?: string });
        const same = 'SecretBinary' in value ? current.SecretBinary === value.SecretBinary : current.SecretString === value.SecretString;
        if (same) counts.unchanged++;
        else {
          await sm.call('PutSecretValue', { SecretId: s.name, ClientRequestToken: randomUUID(), ...value });
          counts.updated++;
        }
      }
    }
    for (const p of seed.parameters) {
      const type = p.type ?? 'String';
      const current = await ssm
        .call<{ Parameter?: { Value?: string; Type?: string } }>('GetParameter', { Name: p.name, WithDecryption: true })
        .catch((e: { code?: string }) => {
          if (e.code === 'ParameterNotFound') return undefined;
          throw e;
        });
      if (current?.Parameter?.Value === p.value && current.Parameter.Type === type) {
        counts.unchanged++;
        continue;
      }
      await ssm.call('PutParameter', {
        Name: p.name,
        Value: p.value,
        Type: type,
        Overwrite: Boolean(current),
        ...(p.description && { Description: p.description }),
      });
      if (current) counts.updated++;
      else counts.created++;
    }
  } finally {
    sm.close();
    ssm.close();
  }
  return `${seed.secrets.length} secret(s), ${seed.parameters.length} parameter(s) — ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged`;
}
