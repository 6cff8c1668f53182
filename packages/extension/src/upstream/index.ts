/**
 * The two upstream APIs the extension reads from, each with its own client
 * (own connection pool, own timeout), created on first use.
 */
import { readFileSync } from 'node:fs';
import type { ExtensionConfig } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { GetSecretValueOutput, ParameterOutput } from '../responses.js';

import { AwsJsonClient } from './client.js';
import { type CredentialSource, createCredentialSource } from './credentials.js';

export interface BatchGetSecretValueInput {
  SecretIdList?: string[];
  Filters?: Array<{ Key: string; Values: string[] }>;
  MaxResults?: number;
  NextToken?: string;
}

export interface BatchGetSecretValueOutput {
  SecretValues?: GetSecretValueOutput[];
  Errors?: Array<{ SecretId?: string; ErrorCode?: string; Message?: string }>;
  NextToken?: string;
}

/** The parts of DescribeSecret the cache uses. */
export interface DescribeSecretOutput {
  ARN?: string;
  Name?: string;
  VersionIdsToStages?: Record<string, string[]>;
  NextRotationDate?: number;
  RotationEnabled?: boolean;
}

export interface Upstream {
  getSecretValue(input: { SecretId: string; VersionId?: string; VersionStage?: string }): Promise<GetSecretValueOutput>;
  getParameter(input: { Name: string; WithDecryption: boolean }): Promise<{ Parameter?: ParameterOutput }>;
  /** At most 10 names; missing ones come back in InvalidParameters. */
  getParameters(input: {
    Names: string[];
    WithDecryption: boolean;
  }): Promise<{ Parameters?: ParameterOutput[]; InvalidParameters?: string[] }>;
  /** At most 20 ids, or filters (then paged with NextToken). Failures per id come back in Errors. */
  batchGetSecretValue(input: BatchGetSecretValueInput): Promise<BatchGetSecretValueOutput>;
  describeSecret(input: { SecretId: string }): Promise<DescribeSecretOutput>;
  /** Any operation of either service, as is: for requests the cache does not answer (SDK-shaped endpoint). */
  forward(service: 'secretsmanager' | 'ssm', operation: string, input: object): Promise<unknown>;
  getParametersByPath(input: {
    Path: string;
    Recursive: boolean;
    WithDecryption: boolean;
    NextToken?: string;
  }): Promise<{ Parameters?: ParameterOutput[]; NextToken?: string }>;
  close(): void;
}

export function createUpstream(config: ExtensionConfig, metrics: Metrics): Upstream {
  const credentials: CredentialSource = createCredentialSource(config.credentials);
  const userAgent = `parasol/${packageVersion()}`;
  const onAttempt = (api: string, outcome: string, seconds: number) => metrics.recordUpstream(api, outcome, seconds);
  let sm: AwsJsonClient | undefined;
  let ssm: AwsJsonClient | undefined;
  const secretsManager = () =>
    (sm ??= new AwsJsonClient({
      service: 'secretsmanager',
      targetPrefix: 'secretsmanager',
      endpoint: config.endpoints.secretsManager,
      region: config.endpoints.region,
      credentials,
      maxSockets: config.maxConnections,
      timeoutMs: config.secretsManagerTimeoutMs,
      userAgent,
      onAttempt,
    }));
  const parameterStore = () =>
    (ssm ??= new AwsJsonClient({
      service: 'ssm',
      targetPrefix: 'AmazonSSM',
      endpoint: config.endpoints.ssm,
      region: config.endpoints.region,
      credentials,
      maxSockets: config.maxConnections,
      timeoutMs: config.ssmTimeoutMs,
      userAgent,
      onAttempt,
    }));
  return {
    getSecretValue: (input) => secretsManager().call('GetSecretValue', input),
    getParameter: (input) => parameterStore().call('GetParameter', input),
    getParameters: (input) => parameterStore().call('GetParameters', input),
    batchGetSecretValue: (input) => secretsManager().call('BatchGetSecretValue', input),
    describeSecret: (input) => secretsManager().call('DescribeSecret', input),
    forward: (service, operation, input) => (service === 'ssm' ? parameterStore() : secretsManager()).call(operation, input),
    getParametersByPath: (input) => parameterStore().call('GetParametersByPath', input),
    close() {
      sm?.close();
      ssm?.close();
    },
  };
}

/** Set by `parasol layer build` (esbuild define): a layer has no package.json to read. */
declare const __PARASOL_VERSION__: string | undefined;

let version: string | undefined;
/**
 * This package's version, for the User-Agent and `--version`: built into a layer's bundle, else
 * read once from package.json (src/ and dist/ both sit one level below it).
 */
export function packageVersion(): string {
  if (!version && typeof __PARASOL_VERSION__ === 'string') version = __PARASOL_VERSION__;
  if (!version) {
    try {
      version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
