/**
 * Values read from Secrets Manager and Parameter Store directly, with signed
 * requests: the extension's own upstream client (AwsJsonClient: SigV4,
 * keep-alive, retries with backoff), the standard credential chain, and the
 * endpoints the AWS SDKs use (AWS_ENDPOINT_URL_SECRETS_MANAGER,
 * AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL, else the regional ones). So the same
 * command works against `parasol serve` on a laptop and against AWS on EC2.
 */
import { AwsJsonClient, createCredentialSource, loadConfig, packageVersion, UpstreamError } from '@parasol/extension';
import type { Fetchers, Outcome, ParameterOutput, PathEntry, SecretOutput, ValueSource } from './source.js';
import { resolveWith } from './source.js';

/** GetParametersByPath pages (10 is the API's maximum per page). */
const PATH_PAGE_SIZE = 10;
const MAX_PATH_PAGES = 1000;

export class ServiceSource implements ValueSource {
  readonly description: string;
  private readonly sm: AwsJsonClient;
  private readonly ssm: AwsJsonClient;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    // The extension's configuration reader gives region, endpoints, credentials, timeouts and pool size exactly as
    // the extension would use them. It insists on a token, which a direct read does not use: give it a placeholder.
    const { config } = loadConfig({ ...env, AWS_TOKEN: 'not-used-for-direct-reads' });
    const credentials = createCredentialSource(config.credentials);
    const common = {
      region: config.endpoints.region,
      credentials,
      maxSockets: config.maxConnections,
      userAgent: `parasol-cli/${packageVersion()}`,
    };
    this.sm = new AwsJsonClient({
      ...common,
      service: 'secretsmanager',
      targetPrefix: 'secretsmanager',
      endpoint: config.endpoints.secretsManager,
      timeoutMs: config.secretsManagerTimeoutMs,
    });
    this.ssm = new AwsJsonClient({
      ...common,
      service: 'ssm',
      targetPrefix: 'AmazonSSM',
      endpoint: config.endpoints.ssm,
      timeoutMs: config.ssmTimeoutMs,
    });
    this.description = `Secrets Manager at ${config.endpoints.secretsManager} and Parameter Store at ${config.endpoints.ssm}`;
  }

  private readonly fetchers: Fetchers = {
    secrets: (reads) =>
      Promise.all(
        reads.map((r) =>
          outcome<SecretOutput>(
            this.sm.call('GetSecretValue', { SecretId: r.secretId, VersionStage: r.versionStage, VersionId: r.versionId }),
          ),
        ),
      ),
    parameters: (reads) =>
      Promise.all(
        reads.map(async (r) => {
          const name = r.version ? `${r.name}:${r.version}` : r.label ? `${r.name}:${r.label}` : r.name;
          const got = await outcome<{ Parameter?: ParameterOutput }>(this.ssm.call('GetParameter', { Name: name, WithDecryption: true }));
          return got.ok ? { ok: true as const, output: got.output.Parameter ?? {} } : got;
        }),
      ),
  };

  resolve(refs: Parameters<ValueSource['resolve']>[0]) {
    return resolveWith(this.fetchers, refs);
  }

  async parametersByPath(path: string): Promise<PathEntry[]> {
    const apiPath = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const entries: PathEntry[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PATH_PAGES; page++) {
      const answer = await this.ssm.call<{ Parameters?: { Name?: string; Value?: string }[]; NextToken?: string }>('GetParametersByPath', {
        Path: apiPath,
        Recursive: true,
        WithDecryption: true,
        MaxResults: PATH_PAGE_SIZE,
        NextToken: nextToken,
      });
      for (const p of answer.Parameters ?? []) {
        if (typeof p.Name === 'string' && typeof p.Value === 'string') entries.push({ name: p.Name, value: p.Value });
      }
      nextToken = answer.NextToken;
      if (!nextToken) return entries;
    }
    throw new Error(`--path ${path}: more than ${MAX_PATH_PAGES * PATH_PAGE_SIZE} parameters`);
  }

  close(): void {
    this.sm.close();
    this.ssm.close();
  }
}

async function outcome<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, output: await call };
  } catch (e) {
    if (e instanceof UpstreamError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}
