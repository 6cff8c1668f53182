/**
 * Composition root: config → cache, upstream, lookup, HTTP server on
 * 127.0.0.1. Listening happens here, before any Lambda registration, so a
 * function's INIT code can already use the extension.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchReader } from './batch.js';
import { ResponseCache } from './cache.js';
import type { ExtensionConfig } from './config.js';
import { InFlightLimit } from './in-flight.js';
import { createLogger, type Logger } from './log.js';
import { Lookup } from './lookup.js';
import { Metrics } from './metrics.js';
import { prefetch } from './prefetch.js';
import { createRequestHandler } from './server.js';
import { createTokenMatcher, readTokenFile, watchTokenFile } from './token.js';
import { createUpstream } from './upstream/index.js';

export interface StartOptions {
  logger?: Logger;
  /** Loopback address to bind (default 127.0.0.1). The extension never binds beyond loopback. */
  host?: '127.0.0.1' | '::1' | 'localhost';
  /** The level of the one log line per request (default debug; `parasol dev` uses info). */
  requestLogLevel?: 'debug' | 'info';
}

export interface RunningExtension {
  /** e.g. http://127.0.0.1:2773 */
  url: string;
  port: number;
  metrics: Metrics;
  cache: ResponseCache;
  /** Fetches PARASOL_PREFETCH_* into the cache; waits at most `boundMs`. */
  prefetch(boundMs?: number): Promise<void>;
  /** Re-reads a `file://` token (SIGHUP); nothing for a token given as a value. */
  reloadToken(): void;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), closes upstream sockets. */
  close(graceMs?: number): Promise<void>;
}

export async function startExtension(config: ExtensionConfig, options: StartOptions = {}): Promise<RunningExtension> {
  const log = options.logger ?? createLogger(config.logLevel, config.logFormat);
  const metrics = new Metrics();
  const capacity = config.cacheEnabled ? config.cacheSize : 0;
  const cache = new ResponseCache({ maxEntries: capacity, maxStaleMs: config.maxStaleSeconds * 1000 });
  const upstream = createUpstream(config, metrics);
  const lookup = new Lookup(config, cache, upstream, metrics);
  const batch = new BatchReader(cache, lookup, upstream, metrics);
  let tokenMatches = createTokenMatcher(config.token);
  const reloadToken = (why: string) => {
    if (!config.tokenFile) return;
    try {
      tokenMatches = createTokenMatcher(readTokenFile(config.tokenFile, config.tokenSource));
      log.info(`token re-read from its file (${why})`);
    } catch (e) {
      log.warn(`token file not re-read (${why}): ${e instanceof Error ? e.message : 'unreadable'}; the previous token stays`);
    }
  };
  const stopWatching = config.tokenFile ? watchTokenFile(config.tokenFile, () => reloadToken('file changed')) : undefined;
  const inFlight = new InFlightLimit(config.maxInFlight);
  // The SDK-shaped endpoint and its SigV4 verifier are imported on the first POST (cold start stays flat).
  let sdk: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
  const sdkEndpoint = (req: IncomingMessage, res: ServerResponse) => {
    sdk ??= Promise.all([import('./sdk-endpoint.js'), import('./sdk-auth.js')]).then(([endpoint, auth]) =>
      endpoint.createSdkEndpoint({
        lookup,
        batch,
        cache,
        upstream,
        metrics,
        inFlight,
        log,
        authenticate: auth.createSdkAuthenticator({
          tokenMatches: (given) => tokenMatches(given),
          functionCredentials: config.credentials,
          extensionKey: config.sdkKey,
          maxClockSkewMs: config.sdkMaxClockSkewSeconds * 1000,
        }),
      }),
    );
    sdk.then(
      (handle) => handle(req, res),
      () => {
        log.error('the SDK-shaped endpoint could not be loaded');
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"__type":"InternalFailure","message":"internal error in the extension; see its log"}');
      },
    );
  };
  const handler = createRequestHandler({
    tokenMatches: (given) => tokenMatches(given),
    lookup,
    batch,
    inFlight,
    sdkEndpoint,
    cache,
    cacheCapacity: capacity,
    metrics,
    log,
    requestLogLevel: options.requestLogLevel,
  });

  // Explicit limits instead of Node's defaults (README, "Server limits"): headers within 10 s, the whole
  // request within 30 s, idle keep-alive 60 s — above the 5 s of Node's default client agent, so after a
  // thaw the client closes first — and at most 800 open connections (the Secrets Manager Agent's max_conn).
  const server = createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 60_000, connectionsCheckingInterval: 2_000 },
    handler,
  );
  server.maxConnections = 800;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host === '::1' ? '[::1]' : host}:${port}`,
    port,
    metrics,
    cache,
    prefetch: (boundMs = 1000) => prefetch({ config, lookup, batch, cache, upstream, log }, boundMs),
    reloadToken: () => reloadToken('SIGHUP'),
    async close(graceMs = 1500) {
      stopWatching?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A keep-alive connection whose last request finishes during the grace period goes idle, not closed:
      // close those as they go idle, so the process exits as soon as the last answer is sent.
      const sweep = setInterval(() => server.closeIdleConnections(), 20);
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
      upstream.close();
    },
  };
}
