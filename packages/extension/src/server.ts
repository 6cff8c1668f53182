/**
 * The HTTP request path, in a fixed order that reads top to bottom:
 *   method → X-Forwarded-For → /ping → token → route → cache → upstream.
 * Every answer is either a 200 with the AWS extension's body (plus
 * X-Parasol-Cache), `healthy` for /ping, metrics text, or an error
 * `{"__type","message"}` whose status says what happened.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseCache } from './cache.js';
import { ExtensionError, RequestError } from './errors.js';
import type { Logger } from './log.js';
import type { Lookup, ParameterRequest, SecretRequest } from './lookup.js';
import type { Metrics } from './metrics.js';
import { parseRoute, type Route } from './parse.js';
import { TOKEN_HEADER } from './token.js';

export interface HandlerDeps {
  tokenMatches: (given: string) => boolean;
  lookup: Lookup;
  cache: ResponseCache;
  cacheCapacity: number;
  metrics: Metrics;
  log: Logger;
}

const JSON_TYPE = 'application/json';
const HEALTHY = Buffer.from('healthy');
const MAX_REMEMBERED_ROUTES = 1024;

export function createRequestHandler(deps: HandlerDeps) {
  const { metrics, log } = deps;
  /** Parsed routes of recent URLs (parsing is pure, so a URL always gives the same route). */
  const routes = new Map<string, Route>();
  const remember = (url: string, route: Route) => {
    if (routes.size >= MAX_REMEMBERED_ROUTES) routes.clear();
    routes.set(url, route);
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    // 1. method
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      fail(res, new RequestError('MethodNotAllowedException', `method ${req.method} not allowed; only GET is supported`, 405));
      return;
    }
    // 2. forwarding: a request relayed from elsewhere is refused whatever it carries (SSRF guard)
    if (req.headers['x-forwarded-for'] !== undefined) {
      fail(res, new RequestError('ForwardedRequestException', 'requests with an X-Forwarded-For header are refused', 400));
      return;
    }
    // 3. health check needs no token
    if (url === '/ping' || url.startsWith('/ping?')) {
      send(res, 200, 'text/plain; charset=utf-8', HEALTHY);
      return;
    }
    // 4. token
    const given = req.headers[TOKEN_HEADER];
    if (given === undefined || given === '') {
      fail(res, new RequestError('MissingTokenException', 'missing header X-Aws-Parameters-Secrets-Token', 401));
      return;
    }
    if (typeof given !== 'string' || !deps.tokenMatches(given)) {
      fail(res, new RequestError('InvalidTokenException', 'X-Aws-Parameters-Secrets-Token does not match the configured token', 403));
      return;
    }
    // 5. route (a hot URL is parsed once)
    let route = routes.get(url);
    if (!route) {
      try {
        route = parseRoute(url);
      } catch (e) {
        fail(res, e);
        return;
      }
      if (route.kind === 'secret' || route.kind === 'parameter') remember(url, route);
    }
    if (route.kind === 'ping') {
      send(res, 200, 'text/plain; charset=utf-8', HEALTHY);
      return;
    }
    if (route.kind === 'metrics') {
      const text = metrics.render({
        size: deps.cache.size,
        capacity: deps.cacheCapacity,
        evictions: deps.cache.evictions,
        refreshAheads: deps.cache.refreshAheads,
      });
      send(res, 200, 'text/plain; version=0.0.4', Buffer.from(text));
      return;
    }
    // 6. cache: a fresh hit is answered synchronously
    const started = log.enabled('debug') ? performance.now() : 0;
    const hit = deps.lookup.peek(route);
    if (hit) {
      metrics.recordCache('hit');
      send(res, 200, JSON_TYPE, hit, 'hit');
      if (started) log.debug(`GET ${describe(route)} 200 cache=hit ${(performance.now() - started).toFixed(2)}ms`);
      return;
    }
    // 7. upstream (single-flight, stale-if-error) through the cache
    const pending = route.kind === 'secret' ? deps.lookup.secret(route) : deps.lookup.parameter(route);
    pending.then(
      ({ value, status }) => {
        metrics.recordCache(status);
        send(res, 200, JSON_TYPE, value, status);
        if (started) log.debug(`GET ${describe(route)} 200 cache=${status} ${(performance.now() - started).toFixed(2)}ms`);
      },
      (e: unknown) => {
        if (e instanceof ExtensionError) metrics.recordCache('miss');
        fail(res, e);
        if (started)
          log.debug(`GET ${describe(route)} failed: ${e instanceof ExtensionError ? `${e.status} ${e.code}` : 'internal error'}`);
      },
    );
  };

  /** Names and selectors only: these identify what was asked for, never what it contains. */
  function describe(route: SecretRequest | ParameterRequest): string {
    if (route.kind === 'secret') {
      return `secret ${route.secretId}${route.versionId ? ` versionId=${route.versionId}` : ''}${route.versionStage ? ` versionStage=${route.versionStage}` : ''}`;
    }
    return `parameter ${route.name}${route.version ? `:${route.version}` : ''}${route.label ? `:${route.label}` : ''}${route.withDecryption ? ' withDecryption' : ''}`;
  }

  function send(res: ServerResponse, status: number, type: string, body: Buffer, cache?: string): void {
    metrics.recordResponse(status);
    const headers: Record<string, string | number> = { 'content-type': type, 'content-length': body.length };
    if (cache) headers['x-parasol-cache'] = cache;
    res.writeHead(status, headers);
    res.end(body);
  }

  function fail(res: ServerResponse, e: unknown): void {
    const error =
      e instanceof ExtensionError ? e : new ExtensionError('InternalFailure', 'internal error in the extension; see its log', 500);
    if (!(e instanceof ExtensionError)) log.error(`unexpected error: ${e instanceof Error ? e.name : typeof e}`);
    send(res, error.status, JSON_TYPE, Buffer.from(error.body()));
  }
}
