/**
 * Checks the request path runs before any signature is looked at, and what the
 * service says about refused callers. Each one closes a way in that SigV4 alone
 * does not: the default keys `test`/`test` are public, so a signature proves
 * little about *who* sends a request, only that it was not changed on the way.
 */
import { AwsError } from './errors.js';
import type { Logger } from './logger.js';

/** Returns a refusal, or undefined when the request may go on. */
export type HostCheck = (hostHeader: string | undefined) => AwsError | undefined;

const MAX_REMEMBERED_HOSTS = 64;

/**
 * DNS rebinding guard: a web page on `evil.example` whose name is re-pointed at
 * 127.0.0.1 reaches a loopback service with `Host: evil.example`. A service
 * bound to loopback therefore answers only loopback names (`localhost`,
 * `127.x.y.z`, `[::1]`), the name it was bound with, and the `--allow-host`
 * names. A service bound elsewhere (a container's 0.0.0.0) checks only when
 * `--allow-host` names were given; undefined means no check.
 */
export function createHostCheck(bindHost: string, allowHosts: readonly string[] = []): HostCheck | undefined {
  const bindIsLoopback = isLoopbackName(normaliseName(bindHost));
  if (!bindIsLoopback && allowHosts.length === 0) return undefined;
  const allowed = new Set([bindHost, ...allowHosts].map(normaliseName));
  // Exact header values already accepted (`localhost:2774`), so the usual request skips the parsing.
  const accepted = new Set<string>();
  return (hostHeader) => {
    if (hostHeader !== undefined && accepted.has(hostHeader)) return undefined;
    const name = hostHeader === undefined ? '' : hostName(hostHeader);
    if (name !== '' && (allowed.has(name) || isLoopbackName(name))) {
      if (accepted.size < MAX_REMEMBERED_HOSTS) accepted.add(hostHeader!);
      return undefined;
    }
    const shown = name === '' ? '(none)' : name.length > 100 ? `${name.slice(0, 100)}…` : name;
    return new AwsError(
      'HostNotAllowed',
      `Host '${shown}' is not allowed: this service answers only loopback host names and the names given with --allow-host ` +
        `(a guard against DNS rebinding). Start parasol with --allow-host ${name === '' ? 'NAME' : shown} to accept it.`,
      403,
      'message',
    );
  };
}

/** `Host` header → lower-case name without port or IPv6 brackets. */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

function normaliseName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.startsWith('[') && n.endsWith(']') ? n.slice(1, -1) : n;
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || LOOPBACK_V4.test(name);
}

/**
 * Admin routes (`/_parasol/*`) take no signature, so a browser must not reach
 * them: a cross-origin `text/plain` POST needs no CORS preflight and would wipe
 * the store through `/_parasol/reset`. Browsers always send `Origin` on such
 * requests; tools and tests (curl, fetch in Node) do not.
 */
export function adminOriginRefusal(origin: string | string[] | undefined): AwsError | undefined {
  if (origin === undefined) return undefined;
  return new AwsError(
    'AccessDeniedException',
    'Admin routes refuse requests that carry an Origin header: they are for tools and tests, never for web pages.',
    403,
  );
}

const MAX_REPORTED_KEYS = 100;

/**
 * Logs, at info and once per key, an access key nobody configured: a client
 * with the wrong profile is the usual cause, and the caller's error
 * (`UnrecognizedClientException`) cannot say which keys would work.
 * Key ids are not secrets (AWS logs them in CloudTrail); secrets are never logged.
 */
export function createUnknownKeyReporter(log: Logger, configuredKeyIds: readonly string[]): (accessKeyId: string) => void {
  const reported = new Set<string>();
  return (accessKeyId) => {
    // Bounded: a client cycling through random keys must not grow this set, or the log, without end.
    if (reported.has(accessKeyId) || reported.size >= MAX_REPORTED_KEYS) return;
    reported.add(accessKeyId);
    log.info('unknown access key', {
      accessKeyId: accessKeyId.slice(0, 128),
      configuredAccessKeyIds: configuredKeyIds,
      howToAdd:
        'sign with a configured key, or start parasol serve with --credentials FILE (a JSON list of {"accessKeyId","secretAccessKey"}) that lists this key',
    });
  };
}
