/**
 * The resolving half of the Lambda exec wrapper (`/opt/parasol-exec`): reads
 * every `PARASOL_ENV_<NAME>=<REF>` from the environment, resolves them through
 * the extension that is already running in the execution environment, and
 * prints a POSIX shell script that exports each NAME and unsets the
 * PARASOL_ENV_* variables. The wrapper script `eval`s it and `exec`s the
 * runtime, so no process of ours stays between Lambda and the runtime, and
 * values travel only through a pipe into the shell (never argv).
 *
 * Node cannot replace its own process image (no execve before Node 22.15's
 * experimental process.execve), which is why the exec itself is the shell's.
 */
import { bindingsFromEnv, describeFailures, ENV_BINDING_PREFIX, resolveBindings } from './bindings.js';
import { ExtensionSource, extensionToken, extensionUrl } from './extension-source.js';

export const ALLOW_MISSING_VARIABLE = 'PARASOL_EXEC_ALLOW_MISSING';

/** `'…'` with every `'` written as `'\''`: safe for any byte but NUL, which never reaches here. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

export interface LambdaEnvIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Returns the exit code: 0 with the script on stdout, else 1 with the reasons on stderr. */
export async function lambdaEnvScript(env: NodeJS.ProcessEnv, io: LambdaEnvIo): Promise<number> {
  const say = (line: string) => io.stderr(`parasol-exec: ${line}\n`);
  const allowRaw = env[ALLOW_MISSING_VARIABLE]?.trim().toLowerCase();
  if (allowRaw && allowRaw !== 'true' && allowRaw !== 'false') {
    say(`${ALLOW_MISSING_VARIABLE} must be true or false, got '${env[ALLOW_MISSING_VARIABLE]!.slice(0, 50)}'`);
    return 1;
  }
  const allowMissing = allowRaw === 'true';
  let source: ExtensionSource | undefined;
  try {
    const bindings = bindingsFromEnv(env);
    if (bindings.length === 0) return 0;
    const token = extensionToken(env);
    if (!token) {
      say('no token for the extension (AWS_SESSION_TOKEN, AWS_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN); INIT stops');
      return 1;
    }
    source = new ExtensionSource({ url: extensionUrl(env), token: token.token });
    const { values, failures } = await resolveBindings(source, bindings);
    if (failures.length > 0) {
      const lines = describeFailures(failures);
      if (!allowMissing) {
        say(
          `${failures.length} of ${bindings.length} reference(s) did not resolve; INIT stops (${ALLOW_MISSING_VARIABLE}=true starts without them):`,
        );
        for (const line of lines) io.stderr(`  ${line}\n`);
        return 1;
      }
      for (const line of lines) say(`not set (${ALLOW_MISSING_VARIABLE}=true): ${line}`);
    }
    const script: string[] = [];
    for (const [name, value] of values) script.push(`export ${name}=${shellQuote(value)}`);
    for (const binding of bindings) script.push(`unset ${ENV_BINDING_PREFIX}${binding.name}`);
    io.stdout(`${script.join('\n')}\n`);
    return 0;
  } catch (e) {
    say(`${e instanceof Error ? e.message : String(e)}; INIT stops`);
    return 1;
  } finally {
    source?.close();
  }
}
