/**
 * SDK mode for Secrets Manager: AWS SDK v3 `@aws-sdk/client-secrets-manager`, an optional peer dependency
 * imported on first use (so importing `@parasol/client` costs nothing until a secret is read).
 */

import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { BatchSecretsResult, SecretRequest, SecretsTransport } from '../core/transport.js';
import { selectJsonKey } from '../json-key.js';
import { loadOptionalPeer } from './load.js';

type SecretsManagerModule = typeof import('@aws-sdk/client-secrets-manager');

/** BatchGetSecretValue accepts at most 20 ids per call. */
const MAX_BATCH_IDS = 20;

export class SdkSecretsTransport implements SecretsTransport {
  private module?: Promise<SecretsManagerModule>;
  private client?: SecretsManagerClient;

  constructor(
    private readonly clientConfig: SecretsManagerClientConfig | undefined,
    client: SecretsManagerClient | undefined,
  ) {
    this.client = client;
  }

  /** The SDK client, created on first use from `clientConfig`. */
  async getClient(): Promise<SecretsManagerClient> {
    if (!this.client) {
      const sdk = await this.sdk();
      this.client ??= new sdk.SecretsManagerClient(this.clientConfig ?? {});
    }
    return this.client;
  }

  async getSecretValue(request: SecretRequest): Promise<string | Uint8Array | undefined> {
    const [sdk, client] = await Promise.all([this.sdk(), this.getClient()]);
    const input = {
      ...request.sdkOptions,
      SecretId: request.secretId,
      ...(request.versionId !== undefined ? { VersionId: request.versionId } : {}),
      ...(request.versionStage !== undefined ? { VersionStage: request.versionStage } : {}),
    };
    const result = await client.send(new sdk.GetSecretValueCommand(input));
    if (request.jsonKey !== undefined) return selectJsonKey(result.SecretString, request.jsonKey, result.Name ?? request.secretId);
    return result.SecretString ?? result.SecretBinary;
  }

  async batchGetSecretValue(secretIds: string[]): Promise<BatchSecretsResult> {
    const [sdk, client] = await Promise.all([this.sdk(), this.getClient()]);
    const values = new Map<string, string | Uint8Array>();
    const errors: BatchSecretsResult['errors'] = [];
    for (let i = 0; i < secretIds.length; i += MAX_BATCH_IDS) {
      const chunk = secretIds.slice(i, i + MAX_BATCH_IDS);
      let nextToken: string | undefined;
      do {
        const page = await client.send(new sdk.BatchGetSecretValueCommand({ SecretIdList: chunk, NextToken: nextToken }));
        for (const secret of page.SecretValues ?? []) {
          // The service answers with Name and ARN; map back to the id as the caller wrote it.
          const id = chunk.find(
            (requested) => requested === secret.Name || requested === secret.ARN || secret.ARN?.startsWith(`${requested}-`),
          );
          const value = secret.SecretString ?? secret.SecretBinary;
          if (id !== undefined && value !== undefined) values.set(id, value);
        }
        for (const error of page.Errors ?? []) {
          errors.push({ secretId: error.SecretId ?? '', code: error.ErrorCode ?? 'UnknownError', message: error.Message ?? '' });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    for (const id of secretIds) {
      if (!values.has(id) && !errors.some((e) => e.secretId === id)) {
        errors.push({ secretId: id, code: 'ResourceNotFoundException', message: `Secret ${id} was not returned` });
      }
    }
    return { values, errors };
  }

  private sdk(): Promise<SecretsManagerModule> {
    this.module ??= loadOptionalPeer<SecretsManagerModule>(
      '@aws-sdk/client-secrets-manager',
      () => import('@aws-sdk/client-secrets-manager'),
    );
    return this.module;
  }
}
