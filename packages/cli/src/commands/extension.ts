/**
 * `parasol extension`: the caching sidecar, configured by exactly the AWS
 * extension's environment variables (see packages/extension/README.md).
 */
import { parseArgs } from 'node:util';

const HELP = `usage: parasol extension [--port 2773] [--upstream URL]

AWS Parameters and Secrets Lambda Extension compatible sidecar on 127.0.0.1.
Configured by environment variables (AWS names, defaults and ranges):
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT (2773)   PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED (TRUE)
  PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE (1000)  PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL (INFO)
  PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS (3)
  SECRETS_MANAGER_TTL / SSM_PARAMETER_STORE_TTL (300 s, 0-300)
  SECRETS_MANAGER_TIMEOUT_MILLIS / SSM_PARAMETER_STORE_TIMEOUT_MILLIS (0 = none)
  PARASOL_MAX_STALE_SECONDS (900)  PARASOL_PREFETCH_SECRETS  PARASOL_PREFETCH_PARAMETERS
Token: AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN (value or file://PATH).
Upstream: AWS_ENDPOINT_URL[_SECRETS_MANAGER|_SSM], AWS_REGION, AWS credentials.
  --port N         same as PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=N
  --upstream URL   same as AWS_ENDPOINT_URL=URL (e.g. a local 'parasol serve')`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      upstream: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const env = { ...process.env };
  if (values.port !== undefined) env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = values.port;
  if (values.upstream !== undefined) env.AWS_ENDPOINT_URL = values.upstream;
  const { runFromEnvironment } = await import('@parasol/extension');
  await runFromEnvironment(env);
}
