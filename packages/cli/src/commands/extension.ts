/**
 * `parasol extension`: the caching sidecar, configured by exactly the AWS
 * extension's environment variables (see packages/extension/README.md).
 */
import { LOG_HELP, LOG_OPTIONS, logSettings, parseFlags } from '../args.js';

export const HELP = `usage: parasol extension [--port 2773] [--upstream URL] [--log-level info] [--log-format text|json]

AWS Parameters and Secrets Lambda Extension compatible sidecar on 127.0.0.1.
Configured by environment variables (AWS names, defaults and ranges):
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT (2773)   PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED (TRUE)
  PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE (1000)  PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL (INFO)
  PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS (3)
  SECRETS_MANAGER_TTL / SSM_PARAMETER_STORE_TTL (300 s, 0-300)
  SECRETS_MANAGER_TIMEOUT_MILLIS / SSM_PARAMETER_STORE_TIMEOUT_MILLIS (0 = none)
  PARASOL_MAX_STALE_SECONDS (900)  PARASOL_PREFETCH_SECRETS  PARASOL_PREFETCH_PARAMETERS
  PARASOL_LOG_FORMAT (text on a terminal, else json)
Token: AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN (value or file://PATH).
Upstream: AWS_ENDPOINT_URL[_SECRETS_MANAGER|_SSM], AWS_REGION, AWS credentials.
  --port N               same as PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=N
  --upstream URL         same as AWS_ENDPOINT_URL=URL (e.g. a local 'parasol serve')
${LOG_HELP}
                         (same as PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL and PARASOL_LOG_FORMAT)`;

/** Every flag of `extension` (its --help lists each one; a test checks). */
export const OPTIONS = {
  port: { type: 'string' },
  upstream: { type: 'string' },
  ...LOG_OPTIONS,
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags('extension', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const env = { ...process.env };
  if (values.port !== undefined) env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = values.port;
  if (values.upstream !== undefined) env.AWS_ENDPOINT_URL = values.upstream;
  const log = logSettings('extension', values); // a bad value is a usage error naming the flag
  if (values['log-level'] !== undefined) env.PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL = log.level;
  if (values['log-format'] !== undefined) env.PARASOL_LOG_FORMAT = log.format;
  const { runFromEnvironment } = await import('@parasol/extension');
  await runFromEnvironment(env);
}
