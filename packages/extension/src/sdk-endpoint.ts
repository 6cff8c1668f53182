/**
 * The SDK-shaped endpoint: `POST /`, `/secretsmanager` and `/parameterstore` in
 * the AWS JSON 1.1 protocol (X-Amz-Target), so an unmodified SDK, boto3 or the
 * aws CLI pointed at the extension (AWS_ENDPOINT_URL_SECRETS_MANAGER,
 * AWS_ENDPOINT_URL_SSM) reads through its cache. Answers are the service's own
 * shapes (absent members left out, dates as epoch seconds); errors from the
 * service are replayed as it sent them (status, body, X-Amzn-ErrorType).
 *
 * Served from the cache: secretsmanager.GetSecretValue, BatchGetSecretValue
 * (by SecretIdList; with Filters or NextToken it is forwarded and each value it
 * returns is cached), DescribeSecret, AmazonSSM.GetParameter, GetParameters.
 * Anything else: UnknownOperationException naming these.
 *
 * Imported on the first POST, so the GET routes' start-up pays nothing for it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BatchReader, parameterAddress, wholeBatchError } from './batch.js';
import type { CacheResult, ResponseCache } from './cache.js';
import { ExtensionError, RequestError, UpstreamError } from './errors.js';
import type { InFlightLimit } from './in-flight.js';
import type { Logger } from './log.js';
import { type Lookup, secretKey } from './lookup.js';
import type { Metrics } from './metrics.js';
import { secretBody } from './responses.js';
import type { BatchGetSecretValueOutput, Upstream } from './upstream/index.js';

export type SdkService = 'secretsmanager' | 'ssm';

export interface SdkEndpointDeps {
  lookup: Lookup;
  batch: BatchReader;
  cache: ResponseCache;
  upstream: Upstream;
  metrics: Metrics;
  inFlight: InFlightLimit;
  log: Logger;
  /** Resolves when the caller may call `service`; rejects with an ExtensionError saying why not. */
  authenticate(req: IncomingMessage, body: Buffer, service: SdkService): Promise<void>;
}

type Input = Record<string, unknown>;
interface Answer {
  /** The output, or its JSON bytes already rendered. */
  body: unknown;
  cache: string;
}

/** Rendered outputs per cached body (a refreshed body is a new Buffer, so a rendering never outlives its value). */
const rendered = new WeakMap<Buffer, Buffer>();
function renderOnce(cached: Buffer, render: (cached: Buffer) => unknown): Buffer {
  let bytes = rendered.get(cached);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(render(cached)));
    rendered.set(cached, bytes);
  }
  return bytes;
}
type Operation = (input: Input, deps: SdkEndpointDeps) => Promise<Answer>;

/** The largest request body read (BatchGetSecretValue with 20 ARNs is under 4 KiB). */
const MAX_BODY_BYTES = 64 * 1024;
const AMZ_JSON = 'application/x-amz-json-1.1';

const OPERATIONS: Record<string, { service: SdkService; run: Operation }> = {
  'secretsmanager.GetSecretValue': { service: 'secretsmanager', run: getSecretValue },
  'secretsmanager.BatchGetSecretValue': { service: 'secretsmanager', run: batchGetSecretValue },
  'secretsmanager.DescribeSecret': { service: 'secretsmanager', run: describeSecret },
  'AmazonSSM.GetParameter': { service: 'ssm', run: getParameter },
  'AmazonSSM.GetParameters': { service: 'ssm', run: getParameters },
};
const PATH_SERVICE: Record<string, SdkService | undefined> = { '/secretsmanager': 'secretsmanager', '/parameterstore': 'ssm' };

export function createSdkEndpoint(deps: SdkEndpointDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    readBody(req)
      .then(async (body) => {
        const target = header(req, 'x-amz-target') ?? '';
        const operation = OPERATIONS[target];
        if (!operation) throw unknownOperation(target);
        const pathService = PATH_SERVICE[req.url ?? '/'];
        if (pathService !== undefined && pathService !== operation.service) {
          throw new RequestError('UnknownOperationException', `${target} is not served on ${req.url}`, 400);
        }
        await deps.authenticate(req, body, operation.service);
        const input = parseInput(body);
        const running = deps.inFlight.run(() => operation.run(input, deps));
        if (!running) {
          res.setHeader('retry-after', '1');
          throw deps.inFlight.throttled();
        }
        const answer = await running;
        const bytes = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(JSON.stringify(answer.body));
        send(res, 200, bytes, { 'x-parasol-cache': answer.cache });
      })
      .catch((e: unknown) => fail(res, e));
  };

  function send(res: ServerResponse, status: number, body: Buffer, extra: Record<string, string> = {}): void {
    deps.metrics.recordResponse(status);
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': AMZ_JSON, 'content-length': body.length, 'x-amzn-requestid': randomUUID(), ...extra });
    res.end(body);
  }

  function fail(res: ServerResponse, e: unknown): void {
    if (e instanceof UpstreamError && e.wire) {
      send(res, e.wire.status, e.wire.body, { 'x-amzn-errortype': e.code });
      return;
    }
    const error =
      e instanceof ExtensionError ? e : new ExtensionError('InternalFailure', 'internal error in the extension; see its log', 500);
    if (!(e instanceof ExtensionError)) deps.log.error(`SDK endpoint: unexpected error: ${e instanceof Error ? e.name : typeof e}`);
    send(res, error.status, Buffer.from(error.body()), { 'x-amzn-errortype': error.code });
  }
}

function unknownOperation(target: string): RequestError {
  const shown = target ? target.slice(0, 100) : '(no X-Amz-Target)';
  return new RequestError(
    'UnknownOperationException',
    `operation ${shown} is not served by the extension; it serves ${Object.keys(OPERATIONS).join(', ')}`,
    400,
  );
}

// ------------------------------------------------------------------ operations

async function getSecretValue(input: Input, deps: SdkEndpointDeps): Promise<Answer> {
  const { SecretId, VersionId, VersionStage } = input;
  if (
    !isId(SecretId) ||
    !optionalString(VersionId) ||
    !optionalString(VersionStage) ||
    hasOthers(input, ['SecretId', 'VersionId', 'VersionStage'])
  ) {
    return forward(deps, 'secretsmanager', 'GetSecretValue', input); // the service's own validation error
  }
  const result = await deps.lookup.secret({
    kind: 'secret',
    secretId: SecretId,
    versionId: VersionId,
    versionStage: VersionStage,
    refreshNow: false,
  });
  deps.metrics.recordCache(result.status);
  return { body: renderOnce(result.value, secretOutput), cache: result.status };
}

async function batchGetSecretValue(input: Input, deps: SdkEndpointDeps): Promise<Answer> {
  const ids = input.SecretIdList;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || !ids.every(isId) || hasOthers(input, ['SecretIdList'])) {
    const out = (await deps.upstream.forward('secretsmanager', 'BatchGetSecretValue', input)) as BatchGetSecretValueOutput;
    for (const value of out.SecretValues ?? []) {
      const body = secretBody(value);
      for (const id of [value.Name, value.ARN]) if (id) deps.cache.put(secretKey({ secretId: id }), body, deps.lookup.secretTtlMs);
    }
    return { body: out, cache: 'miss' };
  }
  const items = await deps.batch.secrets([...new Set(ids as string[])]);
  const whole = wholeBatchError(items);
  if (whole !== undefined) throw whole;
  const values: unknown[] = [];
  const errors: unknown[] = [];
  for (const item of items) {
    if (item.result) values.push(secretOutput(item.result.value));
    else {
      const e = item.error as ExtensionError;
      errors.push({ SecretId: item.id, ErrorCode: e?.code ?? 'InternalFailure', Message: e?.message ?? '' });
    }
  }
  return { body: { SecretValues: values, Errors: errors }, cache: summary(items.map((i) => i.result)) };
}

async function describeSecret(input: Input, deps: SdkEndpointDeps): Promise<Answer> {
  const { SecretId } = input;
  if (!isId(SecretId) || hasOthers(input, ['SecretId'])) return forward(deps, 'secretsmanager', 'DescribeSecret', input);
  const result = await deps.cache.get(`smd\u0000${SecretId}`, deps.lookup.secretTtlMs, async () =>
    Buffer.from(JSON.stringify(await deps.upstream.describeSecret({ SecretId }))),
  );
  deps.metrics.recordCache(result.status);
  return { body: JSON.parse(result.value.toString('utf8')), cache: result.status };
}

async function getParameter(input: Input, deps: SdkEndpointDeps): Promise<Answer> {
  const { Name, WithDecryption } = input;
  if (!isId(Name) || !optionalBoolean(WithDecryption) || hasOthers(input, ['Name', 'WithDecryption'])) {
    return forward(deps, 'ssm', 'GetParameter', input);
  }
  const address = parameterAddress(Name);
  const result = await deps.lookup.parameter({
    kind: 'parameter',
    name: address.name,
    version: address.version,
    label: address.label,
    withDecryption: WithDecryption === true,
    refreshNow: false,
  });
  deps.metrics.recordCache(result.status);
  const body = renderOnce(result.value, (cached) => {
    const { Parameter } = JSON.parse(cached.toString('utf8')) as { Parameter: Record<string, unknown> };
    return { Parameter: parameterOutput(Parameter) };
  });
  return { body, cache: result.status };
}

async function getParameters(input: Input, deps: SdkEndpointDeps): Promise<Answer> {
  const { Names, WithDecryption } = input;
  if (
    !Array.isArray(Names) ||
    Names.length === 0 ||
    Names.length > 10 ||
    !Names.every(isId) ||
    !optionalBoolean(WithDecryption) ||
    hasOthers(input, ['Names', 'WithDecryption'])
  ) {
    return forward(deps, 'ssm', 'GetParameters', input);
  }
  const items = await deps.batch.parameters([...new Set(Names as string[])].map(parameterAddress), WithDecryption === true);
  const failed = items.find((i) => i.error !== undefined && !(i.error instanceof UpstreamError && i.error.code === 'ParameterNotFound'));
  if (failed) throw failed.error;
  const parameters: unknown[] = [];
  const invalid: string[] = [];
  for (const item of items) {
    if (item.result)
      parameters.push(
        parameterOutput((JSON.parse(item.result.value.toString('utf8')) as { Parameter: Record<string, unknown> }).Parameter),
      );
    else invalid.push(item.id.requested);
  }
  return { body: { InvalidParameters: invalid, Parameters: parameters }, cache: summary(items.map((i) => i.result)) };
}

async function forward(deps: SdkEndpointDeps, service: SdkService, operation: string, input: Input): Promise<Answer> {
  return { body: await deps.upstream.forward(service, operation, input), cache: 'miss' };
}

// ------------------------------------------------------------------ shapes

/** The cached GET body → GetSecretValue's own output: nulls and ResultMetadata dropped, CreatedDate in epoch seconds. */
export function secretOutput(body: Buffer): Record<string, unknown> {
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === null || key === 'ResultMetadata') continue;
    out[key] = key === 'CreatedDate' ? epochSeconds(value as string) : value;
  }
  return out;
}

/** The cached Parameter → the service's own: nulls dropped, LastModifiedDate in epoch seconds. */
export function parameterOutput(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    if (value === null) continue;
    out[key] = key === 'LastModifiedDate' ? epochSeconds(value as string) : value;
  }
  return out;
}

function epochSeconds(rfc3339: string): number {
  return Date.parse(rfc3339) / 1000;
}

function summary(results: Array<CacheResult | undefined>): string {
  return results.every((r) => r?.status === 'hit') ? 'hit' : 'miss';
}

// ------------------------------------------------------------------ input

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new RequestError('SerializationException', `request body larger than ${MAX_BODY_BYTES} bytes`, 413));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseInput(body: Buffer): Input {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch {
    throw new RequestError('SerializationException', 'the request body is not valid JSON', 400);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RequestError('SerializationException', 'the request body must be a JSON object', 400);
  }
  return parsed as Input;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2048;
const optionalString = (v: unknown): v is string | undefined => v === undefined || (typeof v === 'string' && v.length > 0);
const optionalBoolean = (v: unknown): v is boolean | undefined => v === undefined || typeof v === 'boolean';
const hasOthers = (input: Input, known: string[]) => Object.keys(input).some((k) => !known.includes(k));
