import type { FunctionInvoker } from '../functions/invoke.js';
import { asyncOperation, operation } from '../module.js';
import { invalidRequest, missingToken } from './errors.js';
import { executeRotation, pendingRotation, planRotation, requireRotatable } from './rotation.js';
import { parseRotationRules } from './rotation-rules.js';
import { shapes } from './shapes.js';
import { setRotationConfig, updateSecret } from './store.js';

/**
 * RotateSecret and CancelRotateSecret; the rotation protocol itself is in
 * `rotation.ts`. RotateSecret awaits the rotation function, so it is an async
 * operation that manages its own transactions.
 */
export function rotationOperations(invoker: FunctionInvoker | undefined) {
  return {
    RotateSecret: asyncOperation(shapes.RotateSecret, async (input, ctx) => {
      const token = input.ClientRequestToken;
      if (token === undefined) throw missingToken();
      if (input.RotationRules) parseRotationRules(input.RotationRules);
      const setup = ctx.db.transaction(() => planRotation(ctx, invoker, input, token))();
      if ('done' in setup) return setup.done;
      await executeRotation(ctx, invoker, setup.plan);
      return { ARN: setup.plan.secretArn, Name: setup.name, VersionId: token };
    }),
  };
}

/** CancelRotateSecret: turns rotation off; rules and function stay (and are still shown). */
export const cancelRotationOperations = {
  CancelRotateSecret: operation(shapes.CancelRotateSecret, (input, ctx) => {
    let secret = requireRotatable(ctx.db, ctx.region, input.SecretId);
    if (secret.rotation_enabled === null) {
      throw invalidRequest("Secrets Manager can't cancel rotation because rotation is not configured for this secret.");
    }
    secret = setRotationConfig(ctx.db, secret, { enabled: false });
    secret = updateSecret(ctx.db, secret, { last_changed_ms: ctx.now });
    const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
    const pending = pendingRotation(ctx.db, secret);
    if (pending) out.VersionId = pending;
    return out;
  }),
};
