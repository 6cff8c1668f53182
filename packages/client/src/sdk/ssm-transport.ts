/** SDK mode for Parameter Store: `@aws-sdk/client-ssm`, an optional peer dependency imported on first use. */
import type { SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import type { ParameterRequest, PathRequest, PutRequest, SsmTransport } from '../core/transport.js';
import { loadOptionalPeer } from './load.js';

type SsmModule = typeof import('@aws-sdk/client-ssm');

export class SdkSsmTransport implements SsmTransport {
  readonly mode = 'SDK mode';
  private module?: Promise<SsmModule>;
  private client?: SSMClient;

  constructor(
    private readonly clientConfig: SSMClientConfig | undefined,
    client: SSMClient | undefined,
  ) {
    this.client = client;
  }

  async getClient(): Promise<SSMClient> {
    if (!this.client) {
      const sdk = await this.sdk();
      this.client ??= new sdk.SSMClient(this.clientConfig ?? {});
    }
    return this.client;
  }

  async getParameter(request: ParameterRequest): Promise<string | undefined> {
    const [sdk, client] = await Promise.all([this.sdk(), this.getClient()]);
    const result = await client.send(
      new sdk.GetParameterCommand({ ...request.sdkOptions, Name: request.name, WithDecryption: request.decrypt }),
    );
    return result.Parameter?.Value;
  }

  async getParameters(names: string[], decrypt: boolean): Promise<{ values: Record<string, string>; invalid: string[] }> {
    const [sdk, client] = await Promise.all([this.sdk(), this.getClient()]);
    const result = await client.send(new sdk.GetParametersCommand({ Names: names, WithDecryption: decrypt }));
    const values: Record<string, string> = {};
    for (const parameter of result.Parameters ?? []) {
      if (parameter.Name === undefined || parameter.Value === undefined) continue;
      // A name asked with a selector (`name:3`) or as an ARN comes back as the plain name.
      const asked = names.find((n) => n === parameter.Name || n === parameter.ARN || n.startsWith(`${parameter.Name}:`)) ?? parameter.Name;
      values[asked] = parameter.Value;
    }
    return { values, invalid: result.InvalidParameters ?? [] };
  }

  async getParametersByPath(request: PathRequest): Promise<Record<string, string>> {
    const [sdk, client] = await Promise.all([this.sdk(), this.getClient()]);
    const input = {
      ...request.sdkOptions,
      Path: request.path,
      WithDecryption: request.decrypt,
      ...(request.recursive !== undefined ? { Recursive: request.recursive } : {}),
    };
    const pageSize = request.sdkOptions?.MaxResults as number | undefined;
    const values: Record<string, string> = {};
    for await (const page of sdk.paginateGetParametersByPath({ client, pageSize }, input)) {
      for (const parameter of page.Parameters ?? []) {
        if (parameter.Name !== undefined && parameter.Value !== undefined) values[parameter.Name] = parameter.Value;
      }
    }
    return values;
  }

  async putParameter(request: PutRequest): Promise<number> {
    const [sdk, client] = await Promise.all([this.sdk(), this.getClient()]);
    const input = {
      Tier: request.tier,
      Type: request.type,
      Overwrite: request.overwrite,
      ...(request.kmsKeyId ? { KeyId: request.kmsKeyId } : {}),
      ...(request.description ? { Description: request.description } : {}),
      ...request.sdkOptions,
      Name: request.name,
      Value: request.value,
    };
    const result = await client.send(new sdk.PutParameterCommand(input as never));
    return result.Version ?? 0;
  }

  private sdk(): Promise<SsmModule> {
    this.module ??= loadOptionalPeer<SsmModule>('@aws-sdk/client-ssm', () => import('@aws-sdk/client-ssm'));
    return this.module;
  }
}
