import type { FunctionInvoker } from '../functions/invoke.js';
import type { ServiceContext } from '../module.js';
import { rotateOnSchedule, scheduleOf } from './rotation.js';
import { nextRotation } from './rotation-rules.js';
import { listAllSecrets, setRotationConfig } from './store.js';

/**
 * Starts rotations when they are due. Driven by the service's sweep (a timer,
 * and right after `POST /_parasol/clock`), so it uses the injectable clock and
 * everything it needs is in the database: schedules survive restarts.
 *
 * A secret is due at the later of its recorded NextRotationDate and the
 * schedule counted from its last value change — a manual PutSecretValue or
 * UpdateSecret counts as a rotation (Secrets Manager API Reference: RotateSecret, RotationRulesType). Due rotations run one
 * after another; a rotation still pending from a failure is reattempted with
 * its own token.
 */
export async function sweepRotations(ctx: ServiceContext, invoker: FunctionInvoker | undefined): Promise<number> {
  const candidates = listAllSecrets(ctx.db).filter(
    (s) => s.rotation_enabled === 1 && s.deleted_ms === null && s.replica_of === null && s.rotation_lambda_arn !== null,
  );
  let started = 0;
  for (const secret of candidates) {
    const schedule = scheduleOf(secret);
    if (!schedule) continue;
    const fromLastChange = nextRotation(schedule, secret.last_value_changed_ms ?? secret.created_ms);
    const due = Math.max(secret.next_rotation_ms ?? 0, fromLastChange);
    if (due !== secret.next_rotation_ms) {
      ctx.db.transaction(() => setRotationConfig(ctx.db, secret, { nextRotationMs: due }))();
    }
    if (due > ctx.clock.now()) continue;
    started++;
    await rotateOnSchedule(ctx, invoker, secret);
  }
  return started;
}
