/**
 * Running as a process: configuration from the environment, then either the
 * Lambda lifecycle (AWS_LAMBDA_RUNTIME_API set) or a standalone sidecar.
 *
 * Lambda: listen → prefetch (≤ 1 s) → register → warm the signer → loop on
 * /event/next; SHUTDOWN → finish in-flight requests, exit 0 well inside 2 s.
 * A start-up failure is reported through /init/error before exiting.
 */
import { basename } from 'node:path';
import { describeConfig, type ExtensionConfig, loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { type RunningExtension, startExtension } from './extension.js';
import { ExtensionsApi } from './lambda.js';
import { createLogger, type LogFormat, type Logger } from './log.js';
import { packageVersion } from './upstream/index.js';
import { preloadSigner } from './upstream/sigv4.js';

/**
 * The extension shares the function's memory, and it is a small latency-bound
 * server: V8's young generation growing to its default 16 MiB semi-spaces buys
 * it nothing. Measured (bench, 1,000 cached 4 KiB secrets): ~62 MiB RSS with
 * the young generation held at its initial size, ~67 without, same cached-GET
 * throughput. Done at run time, once listening, because any V8 flag given on
 * the command line or before the built-in modules load makes Node compile
 * them without its code cache (~20 ms more cold start, measured). node:v8 is
 * loaded here, on the turn after listening, so the first request does not wait
 * for it.
 */
function keepYoungGenerationSmall(): void {
  setImmediate(() => void import('node:v8').then((v8) => v8.setFlagsFromString('--semi-space-growth-factor=1')));
}

/** Leave this much of the SHUTDOWN window unused, so we exit before SIGKILL. */
const SHUTDOWN_MARGIN_MS = 300;

export async function runFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runtimeApi = env.AWS_LAMBDA_RUNTIME_API;
  let config: ExtensionConfig;
  let extension: RunningExtension;
  // Until the configuration is read: info, and the format the environment asks for when it is valid.
  let log: Logger = createLogger(
    'info',
    /^(text|json)$/i.test(env.PARASOL_LOG_FORMAT ?? '') ? (env.PARASOL_LOG_FORMAT!.toLowerCase() as LogFormat) : undefined,
  );
  try {
    const loaded = loadConfig(env);
    config = loaded.config;
    log = createLogger(config.logLevel, config.logFormat);
    for (const w of loaded.warnings) log.warn(w);
    if (log.enabled('debug')) for (const line of describeConfig(config)) log.debug(`config: ${line}`);
    extension = await startExtension(config, { logger: log });
  } catch (e) {
    const message = startupMessage(e);
    log.error('cannot start', { error: message });
    if (runtimeApi)
      await reportInitError(
        runtimeApi,
        extensionName(env),
        e instanceof ConfigError ? 'Extension.ConfigInvalid' : 'Extension.StartFailed',
        message,
      );
    process.exit(1);
  }
  log.info(`listening on ${extension.url}`, { version: packageVersion() });
  keepYoungGenerationSmall();
  // A stray rejection must not end the process (on Lambda that is Extension.Crash); say what it was, not what it held.
  process.on('SIGHUP', () => extension.reloadToken());
  process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: e instanceof Error ? e.name : typeof e }));

  if (runtimeApi) {
    await runLambdaLifecycle(runtimeApi, env, config, extension, log);
  } else {
    void extension.prefetch();
    // Warm the signer once start-up is over, so the first miss does not pay for the import.
    setTimeout(() => void preloadSigner().catch(() => {}), 200).unref();
    const stop = (signal: string) => {
      log.info(`${signal}: shutting down`);
      extension.close().finally(() => process.exit(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  }
}

async function runLambdaLifecycle(
  runtimeApi: string,
  env: NodeJS.ProcessEnv,
  config: ExtensionConfig,
  extension: RunningExtension,
  log: Logger,
): Promise<void> {
  const api = new ExtensionsApi(runtimeApi);
  const emf = config.metricsEmf ? await startEmf(config, env, extension) : undefined;
  const name = extensionName(env);
  // On Lambda Managed Instances INVOKE cannot be registered (it fails Init).
  const events = env.AWS_LAMBDA_INITIALIZATION_TYPE === 'lambda-managed-instances' ? ['SHUTDOWN'] : ['INVOKE', 'SHUTDOWN'];
  await extension.prefetch(1000);
  try {
    await api.register(name, events);
  } catch (e) {
    log.error(`${e instanceof Error ? e.message : 'register failed'}`);
    process.exit(1);
  }
  log.info(`registered with the Lambda Extensions API as ${name} for ${events.join(', ')}`);
  void preloadSigner().catch(() => {});

  let failures = 0;
  for (;;) {
    let event: Awaited<ReturnType<ExtensionsApi['next']>>;
    try {
      event = await api.next();
      failures = 0;
    } catch (e) {
      // A connection error (e.g. right after a thaw) is retried twice; then the loop must not die
      // silently: report, then exit (Lambda resets the environment).
      const message = e instanceof Error ? e.message : 'event/next failed';
      if ((e as NodeJS.ErrnoException)?.code && ++failures < 3) {
        log.warn(`event/next: ${message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 50 * failures));
        continue;
      }
      log.error(message);
      await api.exitError('Extension.EventLoopFailed', message).catch(() => {});
      process.exit(1);
    }
    if (event.eventType === 'INVOKE') emf?.invoked();
    if (event.eventType === 'SHUTDOWN') {
      emf?.flush();
      const budget = (event.deadlineMs ?? Date.now() + 2000) - Date.now() - SHUTDOWN_MARGIN_MS;
      log.info(`SHUTDOWN (${event.shutdownReason ?? 'no reason given'}): closing`);
      await extension.close(Math.max(0, Math.min(budget, 1500)));
      api.close();
      process.exit(0);
    }
  }
}

/** The EMF reporter, imported only when PARASOL_METRICS=emf. */
async function startEmf(config: ExtensionConfig, env: NodeJS.ProcessEnv, extension: RunningExtension) {
  const { EmfReporter } = await import('./emf.js');
  return new EmfReporter(extension.metrics, {
    namespace: config.metricsNamespace,
    every: config.metricsEmfEvery,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || 'unknown',
  });
}

/** Lambda-Extension-Name must be the launcher's file name in /opt/extensions; PARASOL_EXTENSION_NAME overrides. */
export function extensionName(env: NodeJS.ProcessEnv): string {
  return env.PARASOL_EXTENSION_NAME || basename(process.argv[1] ?? 'parasol-extension');
}

async function reportInitError(runtimeApi: string, name: string, type: string, message: string): Promise<void> {
  const api = new ExtensionsApi(runtimeApi);
  try {
    await api.register(name, ['SHUTDOWN']);
    await api.initError(type, message);
  } catch {
    // Nothing more we can do; exiting is itself reported by Lambda.
  } finally {
    api.close();
  }
}

function startupMessage(e: unknown): string {
  if (e instanceof ConfigError) return e.message;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return 'the HTTP port is already in use (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT)';
  return e instanceof Error ? e.message : String(e);
}
