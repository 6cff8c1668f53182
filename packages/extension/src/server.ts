/**
 * The HTTP request path, in a fixed order that reads top to bottom:
 *   method → X-Forwarded-For → /ping → token → route → cache → upstream.
 * Every answer is either a 200 with the AWS extension's body (plus
 * X-Parasol-Cache), `healthy` for /ping, metrics text, or an error
 * `{"__type","message"}` whose status says what happened.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchReader } from './batch.js';
import type { ResponseCache } from './cache.js';
import { ExtensionError, RequestError } from './errors.js';
import { type InFlightLimit, RETRY_AFTER_SECONDS } from './in-flight.js';
import type { Fields, Logger } from './log.js';
import type { Lookup, ParameterRequest, SecretRequest } from './lookup.js';
import type { Metrics } from './metrics.js';
import { parseRoute, type Route, SDK_PATHS } from './parse.js';
import { answerBatch } from './routes/batch.js';
import { TOKEN_HEADER } from './token.js';

export interface HandlerDeps {
  tokenMatches: (given: string) => boolean;
  lookup: Lookup;
  batch: BatchReader;
  /** POST /, /secretsmanager, /parameterstore (AWS JSON 1.1); loaded on first use. */
  sdkEndpoint: (req: IncomingMessage, res: ServerResponse) => void;
  /** PARASOL_MAX_IN_FLIGHT: requests waiting for the upstream beyond it get 429. */
  inFlight: InFlightLimit;
  cache: ResponseCache;
  cacheCapacity: number;
  metrics: Metrics;
  log: Logger;
  /** The level of the one line per request (`parasol dev` uses info); default debug. */
  requestLogLevel?: 'debug' | 'info';
}

const JSON_TYPE = 'application/json';
const HEALTHY = Buffer.from('healthy');
const MAX_REMEMBERED_ROUTES = 1024;
const FORWARDED_HEADER = 'x-forwarded-for';

interface Remembered {
  route: SecretRequest | ParameterRequest;
  key: string;
}

/**
 * The two request headers the path needs, read from the raw header list: the
 * headers object Node would otherwise build on first access is never made.
 * A token header sent twice reads as the two values joined, as Node joins
 * them (and so never matches).
 */
function readHeaders(raw: string[]): { token: string | undefined; forwarded: boolean } {
  let token: string | undefined;
  let forwarded = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === TOKEN_HEADER.length && name.toLowerCase() === TOKEN_HEADER) {
      token = token === undefined ? raw[i + 1] : `${token}, ${raw[i + 1]}`;
    } else if (name.length === FORWARDED_HEADER.length && name.toLowerCase() === FORWARDED_HEADER) {
      forwarded = true;
    }
  }
  return { token, forwarded };
}

export function createRequestHandler(deps: HandlerDeps) {
  const { metrics, log } = deps;
  // Decided once: with request lines off, the hot path neither times nor allocates for them.
  const requestLevel = deps.requestLogLevel ?? 'debug';
  const logRequests = log.enabled(requestLevel);
  /** Parsed routes of recent URLs and their cache keys (parsing is pure, so a URL always gives the same route). */
  const routes = new Map<string, Remembered>();
  const remember = (url: string, route: SecretRequest | ParameterRequest): Remembered => {
    if (routes.size >= MAX_REMEMBERED_ROUTES) routes.clear();
    const entry = { route, key: deps.lookup.keyOf(route) };
    routes.set(url, entry);
    return entry;
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    // 1. method: GET, or POST on the SDK-shaped endpoint
    const sdkPost = req.method === 'POST' && SDK_PATHS.has(url);
    if (req.method !== 'GET' && !sdkPost) {
      const postOnly = SDK_PATHS.has(url) && url !== '/';
      res.setHeader('allow', postOnly ? 'POST' : url === '/' ? 'GET, POST' : 'GET');
      const allowed = postOnly ? 'only POST (AWS JSON 1.1) is supported here' : 'only GET is supported';
      fail(res, new RequestError('MethodNotAllowedException', `method ${req.method} not allowed; ${allowed}`, 405), req);
      return;
    }
    // 2. forwarding: a request relayed from elsewhere is refused whatever it carries (SSRF guard)
    const { token: given, forwarded } = readHeaders(req.rawHeaders);
    if (forwarded) {
      fail(res, new RequestError('ForwardedRequestException', 'requests with an X-Forwarded-For header are refused', 400), req);
      return;
    }
    // 2b. the SDK-shaped endpoint (AWS JSON 1.1) authenticates by SigV4 or the token itself
    if (sdkPost) {
      deps.sdkEndpoint(req, res);
      return;
    }
    // 3. health check needs no token
    if (url === '/ping' || url.startsWith('/ping?')) {
      send(res, 200, 'text/plain; charset=utf-8', HEALTHY);
      return;
    }
    // 4. token
    if (given === undefined || given === '') {
      fail(res, new RequestError('MissingTokenException', 'missing header X-Aws-Parameters-Secrets-Token', 401), req);
      return;
    }
    if (!deps.tokenMatches(given)) {
      fail(res, new RequestError('InvalidTokenException', 'X-Aws-Parameters-Secrets-Token does not match the configured token', 403), req);
      return;
    }
    // 5. route (a hot URL is parsed once)
    let known = routes.get(url);
    if (!known) {
      let parsed: Route;
      try {
        parsed = parseRoute(url);
      } catch (e) {
        fail(res, e, req);
        return;
      }
      if (parsed.kind === 'secret' || parsed.kind === 'parameter') known = remember(url, parsed);
      else if (!answerOther(res, parsed))
        fail(res, new ExtensionError('InternalFailure', 'internal error in the extension; see its log', 500), req);
      if (!known) return;
    }
    const { route, key } = known;
    // 6. cache: a fresh hit is answered synchronously
    const started = logRequests ? performance.now() : 0;
    const hit = deps.lookup.peek(route, key);
    if (hit) {
      metrics.recordCache('hit');
      send(res, 200, JSON_TYPE, hit, 'hit');
      if (started) logRequest(url, route, 200, 'hit', started);
      return;
    }
    // 7. upstream (single-flight, stale-if-error) through the cache
    const pending = deps.inFlight.run(() => (route.kind === 'secret' ? deps.lookup.secret(route) : deps.lookup.parameter(route)));
    if (!pending) {
      throttle(res);
      return;
    }
    pending.then(
      ({ value, status }) => {
        metrics.recordCache(status);
        send(res, 200, JSON_TYPE, value, status);
        if (started) logRequest(url, route, 200, status, started);
      },
      (e: unknown) => {
        if (e instanceof ExtensionError) metrics.recordCache('miss');
        const error = fail(res, e);
        if (started) logRequest(url, route, error.status, 'miss', started, error.code);
      },
    );
  };

  /** The routes that are not cached lookups; false if `route` is none of them. */
  function answerOther(res: ServerResponse, route: Route): boolean {
    if (route.kind === 'batchSecrets' || route.kind === 'batchParameters') {
      const batch = deps.inFlight.run(() => answerBatch(route, deps.batch));
      if (!batch) {
        throttle(res);
        return true;
      }
      batch.then(
        (body) => send(res, 200, JSON_TYPE, body),
        (e: unknown) => fail(res, e),
      );
      return true;
    }
    if (route.kind === 'ping') {
      send(res, 200, 'text/plain; charset=utf-8', HEALTHY);
      return true;
    }
    if (route.kind === 'metrics') {
      const text = metrics.render({
        size: deps.cache.size,
        capacity: deps.cacheCapacity,
        evictions: deps.cache.evictions,
        refreshAheads: deps.cache.refreshAheads,
      });
      send(res, 200, 'text/plain; version=0.0.4', Buffer.from(text));
      return true;
    }
    return false;
  }

  /**
   * One line per request: method, route, what was asked for (names and selectors only, never
   * what it contains), status, cache outcome and time. The logger escapes control characters.
   */
  function logRequest(
    url: string,
    route: SecretRequest | ParameterRequest,
    status: number,
    cache: string,
    started: number,
    error?: string,
  ) {
    const fields: Fields =
      route.kind === 'secret'
        ? { method: 'GET', route: pathOf(url), id: route.secretId, versionId: route.versionId, versionStage: route.versionStage }
        : {
            method: 'GET',
            route: pathOf(url),
            id: route.name,
            version: route.version,
            label: route.label,
            withDecryption: route.withDecryption,
          };
    fields.status = status;
    fields.cache = cache;
    fields.error = error;
    fields.ms = Number((performance.now() - started).toFixed(2));
    log[requestLevel]('request', fields);
  }

  function send(res: ServerResponse, status: number, type: string, body: Buffer, cache?: string): void {
    metrics.recordResponse(status);
    const headers: Record<string, string | number> = { 'content-type': type, 'content-length': body.length };
    if (cache) headers['x-parasol-cache'] = cache;
    res.writeHead(status, headers);
    res.end(body);
  }

  function throttle(res: ServerResponse): void {
    res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    fail(res, deps.inFlight.throttled());
  }

  /** Answers with the error; `req` given (a request refused before its route is known) logs the request line too. */
  function fail(res: ServerResponse, e: unknown, req?: IncomingMessage): ExtensionError {
    const error =
      e instanceof ExtensionError ? e : new ExtensionError('InternalFailure', 'internal error in the extension; see its log', 500);
    if (!(e instanceof ExtensionError)) log.error('unexpected error', { error: e instanceof Error ? e.name : typeof e });
    send(res, error.status, JSON_TYPE, Buffer.from(error.body()));
    if (req && logRequests)
      log[requestLevel]('request', { method: req.method, route: pathOf(req.url ?? '/'), status: error.status, error: error.code });
    return error;
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
