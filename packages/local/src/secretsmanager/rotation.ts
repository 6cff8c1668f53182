import { randomUUID } from 'node:crypto';
import type { Db } from '../db.js';
import { AwsError } from '../errors.js';
import type { FunctionInvoker } from '../functions/invoke.js';
import type { ServiceContext } from '../module.js';
import { invalidRequest, markedForDeletion, notFound, replicaNotPermitted, tokenInUse } from './errors.js';
import { nextRotation, parseRotationRules, type Schedule } from './rotation-rules.js';
import type { RotateSecretInput } from './shapes.js';
import {
  deleteVersion,
  detachLabel,
  findSecret,
  getVersion,
  labelsOfVersion,
  type SecretRow,
  secretByArn,
  setRotationConfig,
  updateSecret,
  versionWithLabel,
} from './store.js';
import { AWSCURRENT, AWSPENDING, createVersion, openValue } from './versions.js';

/**
 * The rotation protocol as Secrets Manager runs it, for RotateSecret
 * (`ops-rotation.ts`) and the scheduler (Secrets Manager API Reference: RotateSecret, RotationRulesType): record the configuration, create the
 * `AWSPENDING` version with no value, then invoke the rotation function
 * synchronously for createSecret, setSecret, testSecret and finishSecret with
 * `{Step, SecretId, ClientRequestToken, RotationToken}`.
 *
 * The function calls back into this service over HTTP, so no transaction is
 * held while it runs: each database change is its own short transaction.
 * A failed step leaves what AWS leaves — the AWSPENDING version (valueless if
 * createSecret failed), AWSCURRENT untouched, no LastRotatedDate change — and
 * a new rotation is refused until that AWSPENDING is cleared or the same
 * ClientRequestToken retries it. As on AWS, RotateSecret itself still
 * succeeds: a rotation's failure is an event (logged as `RotationFailed`).
 */

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

const cannotInvoke = () =>
  new AwsError(
    'AccessDeniedException',
    'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
  );
const previousRotationIncomplete = () => invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");

export interface RotationOutcome {
  ok: boolean;
  failedStep?: RotationStep;
}

/** The version carrying AWSPENDING while another version is AWSCURRENT: a rotation in progress. */
export function pendingRotation(db: Db, secret: SecretRow): string | undefined {
  const pending = versionWithLabel(db, secret.id, AWSPENDING);
  if (!pending) return undefined;
  return labelsOfVersion(db, secret.id, pending.version_id).includes(AWSCURRENT) ? undefined : pending.version_id;
}

export function scheduleOf(secret: SecretRow): Schedule | undefined {
  if (!secret.rotation_rules) return undefined;
  try {
    return parseRotationRules(secret.rotation_rules);
  } catch {
    return undefined;
  }
}

export function requireRotatable(db: Db, region: string, secretId: string): SecretRow {
  const secret = findSecret(db, region, secretId);
  if (!secret) throw notFound();
  if (secret.deleted_ms !== null) throw markedForDeletion();
  if (secret.replica_of !== null) throw replicaNotPermitted();
  return secret;
}

interface Plan {
  secretArn: string;
  region: string;
  functionArn: string;
  token: string;
  steps: readonly RotationStep[];
  /** RotateImmediately=false: a temporary AWSPENDING copy of the current value, removed after testSecret. */
  temporary: boolean;
  /** The AWSCURRENT version when the rotation started: a new value written meanwhile abandons the rotation. */
  currentAtStart?: string;
}

/** Validates and records a RotateSecret request (one transaction); nothing is written if it fails. */
export function planRotation(
  ctx: ServiceContext,
  invoker: FunctionInvoker | undefined,
  input: RotateSecretInput,
  token: string,
): { done: Record<string, unknown> } | { plan: Plan; name: string } {
  const { db, region } = ctx;
  const now = ctx.clock.now();
  let secret = requireRotatable(db, region, input.SecretId);
  const functionArn = input.RotationLambdaARN || secret.rotation_lambda_arn;
  if (!functionArn) throw invalidRequest('No Lambda rotation function ARN is associated with this secret.');
  const pending = pendingRotation(db, secret);
  const existing = getVersion(db, secret.id, token);
  let resume = false;
  if (existing) {
    const labels = labelsOfVersion(db, secret.id, token);
    if (pending === token) resume = true;
    else if (labels.includes(AWSCURRENT) && pending === undefined) {
      // The same request again after it completed: AWS's idempotency answers the same.
      return { done: { ARN: secret.arn, Name: secret.name, VersionId: token } };
    } else throw tokenInUse(token, secret.arn);
  } else if (pending !== undefined) {
    throw previousRotationIncomplete();
  }
  // Checked before anything is written: AWS leaves the secret unchanged when it can't invoke.
  if (!invoker?.canInvoke(functionArn)) {
    // The caller sees AWS's AccessDenied; the service's log says what to fix.
    const file = invoker?.functionsFile;
    ctx.log.info(
      file
        ? `no rotation function for ${functionArn} in ${file}: add an entry for its ARN or name (a module path or URL)`
        : `no rotation function for ${functionArn}: start parasol serve with --functions FILE mapping its ARN or name to a module path or URL`,
      { secret: secret.arn, function: functionArn, functionsFile: file },
    );
    throw cannotInvoke();
  }

  const rules = input.RotationRules ?? secret.rotation_rules ?? undefined;
  const schedule = rules ? parseRotationRules(rules) : undefined;
  secret = setRotationConfig(db, secret, {
    enabled: true,
    lambdaArn: functionArn,
    rules: input.RotationRules ? { ...input.RotationRules } : undefined,
    nextRotationMs: schedule ? nextRotation(schedule, now) : null,
  });
  secret = updateSecret(db, secret, { last_changed_ms: now });

  const immediately = input.RotateImmediately !== false;
  if (!resume) {
    const store = { ...ctx, now };
    if (immediately) {
      createVersion(store, secret, { versionId: token, stages: [AWSPENDING] });
    } else {
      // testSecret runs against a temporary AWSPENDING version that carries the current value.
      const current = versionWithLabel(db, secret.id, AWSCURRENT);
      const value = current ? openValue(ctx.vault, secret, current) : undefined;
      createVersion(store, secret, { versionId: token, value, stages: [AWSPENDING] });
    }
  }
  return {
    name: secret.name,
    plan: {
      secretArn: secret.arn,
      region,
      functionArn,
      token,
      steps: immediately || resume ? ROTATION_STEPS : ['testSecret'],
      temporary: !immediately && !resume,
      currentAtStart: versionWithLabel(db, secret.id, AWSCURRENT)?.version_id,
    },
  };
}

/** Invokes each step in order, then records the outcome (its own transaction). */
export async function executeRotation(ctx: ServiceContext, invoker: FunctionInvoker | undefined, plan: Plan): Promise<RotationOutcome> {
  const { log } = ctx;
  const rotationToken = randomUUID();
  let failedStep: RotationStep | undefined;
  log.info('RotationStarted', { secret: plan.secretArn, versionId: plan.token, steps: plan.steps.join(',') });
  for (const step of plan.steps) {
    if (!plan.temporary && abandonIfValueChanged(ctx, plan)) return { ok: false, failedStep: step };
    const event = { Step: step, SecretId: plan.secretArn, ClientRequestToken: plan.token, RotationToken: rotationToken };
    let result: Awaited<ReturnType<FunctionInvoker['invoke']>>;
    try {
      result = await invoker!.invoke({ functionArn: plan.functionArn, region: plan.region, accountId: ctx.accountId, event });
    } catch (e) {
      result = { ok: false, errorType: 'InvokeError', errorMessage: (e as Error).message };
    }
    if (!result.ok) {
      failedStep = step;
      // The step, the function and its error (code and message as the function reported them; no value is logged).
      log.warn(`RotationFailed: Error when executing lambda ${plan.functionArn} during ${step} step`, {
        secret: plan.secretArn,
        versionId: plan.token,
        step,
        function: plan.functionArn,
        code: result.errorType,
        message: result.errorMessage?.slice(0, 500),
      });
      break;
    }
  }
  const now = ctx.clock.now();
  const ok = ctx.db.transaction(() => {
    let secret = secretByArn(ctx.db, plan.secretArn);
    if (!secret) return false; // deleted meanwhile
    const schedule = scheduleOf(secret);
    if (plan.temporary) {
      if (versionWithLabel(ctx.db, secret.id, AWSPENDING)?.version_id === plan.token) detachLabel(ctx.db, secret.id, AWSPENDING);
      if (labelsOfVersion(ctx.db, secret.id, plan.token).length === 0) deleteVersion(ctx.db, secret.id, plan.token);
      return failedStep === undefined;
    }
    const labels = labelsOfVersion(ctx.db, secret.id, plan.token);
    if (failedStep === undefined && !labels.includes(AWSCURRENT)) {
      log.warn('RotationFailed', {
        secret: plan.secretArn,
        versionId: plan.token,
        step: 'finishSecret',
        error: 'finishSecret returned but did not move AWSCURRENT to the new version',
      });
      failedStep = 'finishSecret';
    }
    if (failedStep !== undefined) {
      // Retried when the schedule next comes due (with the same token), as AWS reattempts it.
      if (schedule) secret = setRotationConfig(ctx.db, secret, { nextRotationMs: nextRotation(schedule, now) });
      return false;
    }
    // The service clears AWSPENDING from the new current version when rotation completes.
    if (labels.includes(AWSPENDING)) detachLabel(ctx.db, secret.id, AWSPENDING);
    setRotationConfig(ctx.db, secret, { lastRotatedMs: now, nextRotationMs: schedule ? nextRotation(schedule, now) : null });
    return true;
  })();
  if (ok) log.info(plan.temporary ? 'TestRotationSucceeded' : 'RotationSucceeded', { secret: plan.secretArn, versionId: plan.token });
  return { ok, failedStep };
}

/**
 * AWS abandons a rotation when a new version is written meanwhile (PutSecretValue
 * or UpdateSecret moving AWSCURRENT elsewhere): it removes AWSPENDING and logs
 * RotationAbandoned. Checked before each step, in its own transaction.
 */
function abandonIfValueChanged(ctx: ServiceContext, plan: Plan): boolean {
  return ctx.db.transaction(() => {
    const secret = secretByArn(ctx.db, plan.secretArn);
    if (!secret) return true;
    const current = versionWithLabel(ctx.db, secret.id, AWSCURRENT)?.version_id;
    if (current === plan.currentAtStart || current === plan.token) return false;
    if (versionWithLabel(ctx.db, secret.id, AWSPENDING)?.version_id === plan.token) detachLabel(ctx.db, secret.id, AWSPENDING);
    ctx.log.warn('RotationAbandoned', {
      secret: plan.secretArn,
      versionId: plan.token,
      reason: 'a new secret value was written during rotation',
    });
    return true;
  })();
}

/**
 * Starts a due rotation (the scheduler): a new token, or the token of a rotation
 * still pending (AWS reattempts it). Returns undefined when nothing could start.
 */
export async function rotateOnSchedule(
  ctx: ServiceContext,
  invoker: FunctionInvoker | undefined,
  secret: SecretRow,
): Promise<RotationOutcome | undefined> {
  const setup = ctx.db.transaction(() => {
    const fresh = secretByArn(ctx.db, secret.arn);
    if (fresh?.rotation_enabled !== 1 || fresh.deleted_ms !== null || !fresh.rotation_lambda_arn) return undefined;
    const token = pendingRotation(ctx.db, fresh) ?? randomUUID();
    try {
      // A savepoint: a plan that fails part-way leaves nothing behind.
      return ctx.db.transaction(() =>
        planRotation({ ...ctx, region: fresh.region }, invoker, { SecretId: fresh.arn, RotateImmediately: true }, token),
      )();
    } catch (e) {
      const schedule = scheduleOf(fresh);
      if (schedule) setRotationConfig(ctx.db, fresh, { nextRotationMs: nextRotation(schedule, ctx.clock.now()) });
      ctx.log.warn('RotationFailed', { secret: fresh.arn, error: e instanceof AwsError ? `${e.code}: ${e.message}` : 'unknown' });
      return undefined;
    }
  })();
  if (!setup || 'done' in setup) return undefined;
  return executeRotation(ctx, invoker, setup.plan);
}
