/**
 * The exec wrapper's resolving program, as the layers run it: prints the
 * shell script that `/opt/parasol-exec` evaluates before it execs the runtime
 * (see ../inject/lambda-env.ts). Exit code 1 stops INIT.
 */
import { lambdaEnvScript } from '../inject/lambda-env.js';

lambdaEnvScript(process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`parasol-exec: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
