/**
 * The batch routes: `GET /secretsmanager/batchget?secretId=a&secretId=b…` (≤ 20)
 * and `GET /systemsmanager/parameters/getparameters?names=a&names=b…[&withDecryption=true]`
 * (≤ 10), answered in the BatchGetSecretValue and GetParameters shapes with each
 * item rendered as the single routes render it (RFC 3339 dates, every field).
 */
import { type BatchItem, type BatchReader, ItemError, type ParameterAddress, parameterAddress, wholeBatchError } from '../batch.js';
import type { ExtensionError } from '../errors.js';
import type { Route } from '../parse.js';

export type BatchRoute = Extract<Route, { kind: 'batchSecrets' | 'batchParameters' }>;

/** The 200 body of a batch route, or throws the error that failed the batch as a whole. */
export async function answerBatch(route: BatchRoute, reader: BatchReader): Promise<Buffer> {
  if (route.kind === 'batchSecrets') {
    const items = await reader.secrets(route.secretIds);
    const whole = wholeBatchError(items);
    if (whole !== undefined) throw whole;
    return renderSecretsBatch(items);
  }
  const items = await reader.parameters(route.names.map(parameterAddress), route.withDecryption);
  const failed = parametersBatchError(items);
  if (failed !== undefined) throw failed;
  return renderParametersBatch(items);
}

/** `GET /secretsmanager/batchget` body: the BatchGetSecretValue shape, each value as the single route renders it. */
export function renderSecretsBatch(items: BatchItem<string>[]): Buffer {
  const values: unknown[] = [];
  const errors: unknown[] = [];
  for (const item of items) {
    if (item.result) values.push(withoutMetadata(item.result.value));
    else errors.push({ SecretId: item.id, ErrorCode: codeOf(item.error), Message: messageOf(item.error) });
  }
  return Buffer.from(JSON.stringify({ SecretValues: values, Errors: errors }));
}

/** `GET /systemsmanager/parameters/getparameters` body: the GetParameters shape. */
export function renderParametersBatch(items: BatchItem<ParameterAddress>[]): Buffer {
  const parameters: unknown[] = [];
  const invalid: string[] = [];
  for (const item of items) {
    if (item.result) parameters.push((JSON.parse(item.result.value.toString('utf8')) as { Parameter: unknown }).Parameter);
    else invalid.push(item.id.requested);
  }
  return Buffer.from(JSON.stringify({ Parameters: parameters, InvalidParameters: invalid }));
}

/** Errors that are not "this item does not exist" fail a parameters batch (GetParameters has no per-item error list). */
export function parametersBatchError(items: BatchItem<ParameterAddress>[]): unknown {
  const whole = wholeBatchError(items);
  if (whole !== undefined) return whole;
  return items.find((i) => i.error !== undefined && !(i.error instanceof ItemError))?.error;
}

function withoutMetadata(body: Buffer): unknown {
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  delete parsed.ResultMetadata;
  return parsed;
}

function codeOf(e: unknown): string {
  return (e as ExtensionError)?.code ?? 'InternalFailure';
}

function messageOf(e: unknown): string {
  return typeof (e as ExtensionError)?.code === 'string' ? (e as Error).message : 'internal error in the extension; see its log';
}
