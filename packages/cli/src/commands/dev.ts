/**
 * `parasol dev`: the local Secrets Manager + Parameter Store and the caching
 * extension in one process, seeded from a JSON file through the AWS API, with
 * a token (kept from $AWS_TOKEN or --token, else a fresh one), one log line per
 * extension request, and ready-to-paste exports, curls and an aws CLI line.
 */
import { randomBytes } from 'node:crypto';
import { type LoadedConfig, loadConfig, type RunningExtension, startExtension } from '@parasol/extension';
import { type LocalService, startLocalService } from '@parasol/local';
import { createLogger } from '@parasol/log';
import { LOG_HELP, LOG_OPTIONS, logSettings, parseFlags, portFlag, UsageError } from '../args.js';
import { applySeed, readSeedFile } from '../seed.js';

export { applySeed, readSeedFile, type SeedFile } from '../seed.js';

export const HELP = `usage: parasol dev [--seed FILE] [--port 2773] [--serve-port 2774] [--data DIR | --in-memory]
                  [--region us-east-1] [--token TOKEN] [--functions FILE] [--allow-host NAME]...
                  [--log-level info] [--log-format text|json]

Runs the local Secrets Manager + Parameter Store (--serve-port) and the caching
extension (--port) together, seeds them from FILE (see examples/seed.json),
and prints the environment variables, a ready curl and an aws CLI line.
  --seed FILE            JSON {"secrets": [...], "parameters": [...]}; idempotent on re-run;
                         an unknown key is refused
  --port N               the extension's port; 0 picks a free one (default 2773)
  --serve-port N         the local service's port; 0 picks a free one (default 2774)
  --data DIR             durable store (default ./.data)
  --in-memory            throwaway store, nothing written to disk
  --region REGION        region of the local service (default $AWS_REGION, else us-east-1)
  --token TOKEN          the extension's token; default $AWS_TOKEN when set (so a restart keeps
                         exported tokens valid), else a fresh random one
  --functions FILE       rotation functions for RotateSecret, as for parasol serve (packages/rotation/README.md)
  --allow-host NAME      the local service also answers Host NAME (repeatable), as for parasol serve
${LOG_HELP}
                         at info: one line per extension request (method, route, id, status, cache, ms)`;

/** Every flag of `dev` (its --help lists each one; a test checks). */
export const OPTIONS = {
  seed: { type: 'string' },
  port: { type: 'string', default: '2773' },
  'serve-port': { type: 'string', default: '2774' },
  data: { type: 'string' },
  'in-memory': { type: 'boolean', default: false },
  region: { type: 'string', default: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' },
  token: { type: 'string' },
  functions: { type: 'string' },
  'allow-host': { type: 'string', multiple: true, default: [] as string[] },
  ...LOG_OPTIONS,
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Where the token came from decides whether it is printed: never one read from the environment. */
type TokenSource = 'flag' | 'environment' | 'generated';

function chooseToken(flag: string | undefined, env: NodeJS.ProcessEnv): { token: string; source: TokenSource } {
  if (flag !== undefined) {
    if (flag === '') throw new UsageError('--token must not be empty', 'dev');
    return { token: flag, source: 'flag' };
  }
  if (env.AWS_TOKEN) return { token: env.AWS_TOKEN, source: 'environment' };
  return { token: randomBytes(24).toString('hex'), source: 'generated' };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags('dev', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.data && values['in-memory']) throw new UsageError('--data and --in-memory are mutually exclusive', 'dev');
  const port = portFlag('dev', '--port', values.port!);
  const servePort = portFlag('dev', '--serve-port', values['serve-port']!);
  const region = values.region!;
  const { level, format } = logSettings('dev', values);
  const { token, source: tokenSource } = chooseToken(values.token, process.env);
  const seed = values.seed ? readSeedFile(values.seed) : undefined;
  const dataDir = values['in-memory'] ? undefined : (values.data ?? '.data');
  const log = createLogger({ component: 'dev', level, format });

  const service = await startLocalService({
    port: servePort,
    dataDir,
    inMemory: !dataDir,
    region,
    functions: values.functions,
    allowHosts: values['allow-host'],
    logger: log.child('serve'),
  });
  log.info(`local Secrets Manager + Parameter Store on ${service.url}`, { data: dataDir ?? 'in memory' });

  let extension: RunningExtension | undefined;
  let loaded: LoadedConfig;
  try {
    if (seed) log.info(`seeded from ${values.seed}: ${await applySeed(seed, service.url, region)}`);
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
    loaded = loadConfig(env);
    if (port === 0) loaded.config.httpPort = 0; // in-process use may ask for any free port
    extension = await startExtension(loaded.config, { logger: log.child('extension'), requestLogLevel: 'info' });
  } catch (e) {
    await service.close();
    throw e;
  }
  const extensionLog = log.child('extension');
  for (const w of loaded.warnings) extensionLog.warn(w);
  log.info(`extension on ${extension.url}: ready`, { token: tokenSource === 'environment' ? 'from $AWS_TOKEN' : tokenSource });
  printInstructions({
    extension,
    service,
    region,
    token,
    tokenSource,
    secret: seed?.secrets[0]?.name,
    parameter: seed?.parameters[0]?.name,
  });
  closeOnSignals(service, extension);
}

/** The block a developer pastes from: exports, curls through the extension, an aws CLI call to the service. */
function printInstructions(o: {
  extension: RunningExtension;
  service: LocalService;
  region: string;
  token: string;
  tokenSource: TokenSource;
  secret?: string;
  parameter?: string;
}): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  // A token read from the environment is not echoed: the shell already has it, and logs and screens should not.
  const tokenInCurl = o.tokenSource === 'environment' ? '$AWS_TOKEN' : o.token;
  const secret = o.secret ?? 'my-secret';
  out();
  out('  # in your shell, or your function’s environment:');
  if (o.tokenSource === 'environment') out('  # AWS_TOKEN: kept from your environment, so tokens you exported before still work');
  else out(`  export AWS_TOKEN=${o.token}`);
  out(`  export PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=${o.extension.port}`);
  out(`  export AWS_ENDPOINT_URL=${o.service.url} AWS_REGION=${o.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`);
  out();
  out('  # try it:');
  out(
    `  curl -s -H "X-Aws-Parameters-Secrets-Token: ${tokenInCurl}" '${o.extension.url}/secretsmanager/get?secretId=${encodeURIComponent(secret)}'`,
  );
  out(
    `  curl -s -H "X-Aws-Parameters-Secrets-Token: ${tokenInCurl}" '${o.extension.url}/systemsmanager/parameters/get?name=${encodeURIComponent(o.parameter ?? '/my/parameter')}&withDecryption=true'`,
  );
  out(`  aws secretsmanager get-secret-value --secret-id '${secret}' --endpoint-url ${o.service.url} --region ${o.region}`);
  out();
  out('  Ctrl-C stops both.');
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
