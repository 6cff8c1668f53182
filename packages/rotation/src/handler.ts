import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { escapeControl } from '@parasol/log';
import { defaultSecretsManagerClient } from './client.js';
import { RotationError } from './errors.js';
import { type PasswordOptions, passwordOptionsFromEnv, randomPassword } from './password.js';

/**
 * `createRotationHandler` turns four step functions into a Lambda handler for
 * Secrets Manager rotation. It owns what every rotation function must get
 * right, so the steps only hold what is specific to the target system:
 *
 * - the event check (`Step`, `SecretId`, `ClientRequestToken` present, printable ASCII);
 * - the guards of AWS's templates, before every step: rotation enabled, the
 *   token is a version of the secret, a token already AWSCURRENT returns at
 *   once (a retried rotation that completed), the token carries AWSPENDING;
 * - idempotent createSecret: if the pending version already has a value it is
 *   kept (a retry keeps the same password), otherwise the step's new value is
 *   stored with PutSecretValue(token, [AWSPENDING]);
 * - finishSecret by default: move AWSCURRENT to the token (AWSPREVIOUS follows).
 */

export type RotationStepName = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationEvent {
  Step: string;
  SecretId: string;
  ClientRequestToken: string;
  RotationToken?: string;
}

export interface StepContext {
  step: RotationStepName;
  /** As given in the event (Secrets Manager sends the secret's ARN). */
  secretId: string;
  /** ClientRequestToken: the VersionId of the new (AWSPENDING) version. */
  token: string;
  client: SecretsManagerClient;
  /** SecretString of AWSCURRENT. */
  current(): Promise<string>;
  /** SecretString of the pending version (token + AWSPENDING); throws if it has no value yet. */
  pending(): Promise<string>;
  /** SecretString of AWSPREVIOUS, or undefined if there is none. */
  previous(): Promise<string | undefined>;
  /** A new password from GetRandomPassword, with the handler's password options. */
  newPassword(): Promise<string>;
  log(message: string): void;
}

export interface RotationSteps {
  /** Returns the new secret value (SecretString); the handler stores it as AWSPENDING unless one is stored already. */
  createSecret(ctx: StepContext): Promise<string>;
  /** Applies the pending value to the target system (idempotent: check first whether it already works). */
  setSecret(ctx: StepContext): Promise<void>;
  /** Proves the pending value works against the target system. */
  testSecret(ctx: StepContext): Promise<void>;
  /** Default: moves AWSCURRENT to the token. */
  finishSecret?(ctx: StepContext): Promise<void>;
}

export interface RotationHandlerOptions {
  /** Default: a client configured from the environment (see `defaultSecretsManagerClient`). */
  client?: SecretsManagerClient;
  /** Default: `passwordOptionsFromEnv()` (the AWS templates' variables). */
  passwordOptions?: PasswordOptions;
  /** Default: console.log with a `[step]` prefix. Never receives secret values. */
  log?: (message: string) => void;
}

const STEPS: readonly RotationStepName[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const PRINTABLE_ASCII = /^[ -~]+$/;

export function createRotationHandler(steps: RotationSteps, options: RotationHandlerOptions = {}) {
  let client = options.client;
  return async function handler(event: RotationEvent): Promise<void> {
    client ??= defaultSecretsManagerClient();
    const { Step: step, SecretId: secretId, ClientRequestToken: token } = checkEvent(event);
    // Ids come from the event: control characters are escaped so none can forge a log line.
    const log = (message: string) => (options.log ?? console.log)(escapeControl(`${step}: ${message}`));
    const ctx = stepContext(client, step, secretId, token, options.passwordOptions ?? passwordOptionsFromEnv(), log);

    const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    if (described.RotationEnabled === false) {
      throw new RotationError('RotationNotEnabled', `Secret ${secretId} is not enabled for rotation.`);
    }
    const stages = described.VersionIdsToStages?.[token];
    if (!stages) {
      throw new RotationError('VersionNotInSecret', `Secret version ${token} has no stage for rotation of secret ${secretId}.`);
    }
    if (stages.includes('AWSCURRENT')) {
      log(`secret version ${token} is already AWSCURRENT for ${secretId}; nothing to do`);
      return;
    }
    if (!stages.includes('AWSPENDING')) {
      throw new RotationError('VersionNotPending', `Secret version ${token} is not set as AWSPENDING for rotation of secret ${secretId}.`);
    }

    switch (step) {
      case 'createSecret': {
        if ((await pendingValue(client, secretId, token)) !== undefined) {
          log(`a value for version ${token} exists already; keeping it`);
          return;
        }
        const value = await steps.createSecret(ctx);
        await client.send(
          new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ['AWSPENDING'] }),
        );
        log(`stored the new value as version ${token} (AWSPENDING)`);
        return;
      }
      case 'setSecret':
        await steps.setSecret(ctx);
        return;
      case 'testSecret':
        await steps.testSecret(ctx);
        return;
      case 'finishSecret':
        await (steps.finishSecret ?? finishSecret)(ctx);
        return;
    }
  };
}

function checkEvent(event: RotationEvent): RotationEvent & { Step: RotationStepName } {
  for (const field of ['Step', 'SecretId', 'ClientRequestToken'] as const) {
    const value = event?.[field];
    if (typeof value !== 'string' || !PRINTABLE_ASCII.test(value)) {
      throw new RotationError('InvalidEvent', `The rotation event's ${field} is missing or not printable ASCII.`);
    }
  }
  if (!STEPS.includes(event.Step as RotationStepName)) {
    throw new RotationError('UnknownStep', `Invalid step parameter ${event.Step}; expected one of ${STEPS.join(', ')}.`);
  }
  return event as RotationEvent & { Step: RotationStepName };
}

/** The pending version's value, or undefined while it is the valueless placeholder. */
async function pendingValue(client: SecretsManagerClient, secretId: string, token: string): Promise<string | undefined> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    return out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
  } catch (e) {
    if (e instanceof ResourceNotFoundException || (e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

async function stageValue(client: SecretsManagerClient, secretId: string, stage: string): Promise<string | undefined> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    return out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

function stepContext(
  client: SecretsManagerClient,
  step: RotationStepName,
  secretId: string,
  token: string,
  passwordOptions: PasswordOptions,
  log: (message: string) => void,
): StepContext {
  return {
    step,
    secretId,
    token,
    client,
    log,
    async current() {
      const value = await stageValue(client, secretId, 'AWSCURRENT');
      if (value === undefined) throw new RotationError('InvalidSecret', `Secret ${secretId} has no AWSCURRENT value.`);
      return value;
    },
    async pending() {
      const value = await pendingValue(client, secretId, token);
      if (value === undefined) throw new RotationError('InvalidSecret', `Pending version ${token} of ${secretId} has no value.`);
      return value;
    },
    previous: () => stageValue(client, secretId, 'AWSPREVIOUS'),
    newPassword: () => randomPassword(client, passwordOptions),
  };
}

/** The templates' finishSecret: move AWSCURRENT to the token; the service gives AWSPREVIOUS to the old version. */
export async function finishSecret(ctx: StepContext): Promise<void> {
  const described = await ctx.client.send(new DescribeSecretCommand({ SecretId: ctx.secretId }));
  const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  if (current === ctx.token) {
    ctx.log(`version ${ctx.token} is already AWSCURRENT`);
    return;
  }
  await ctx.client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: ctx.secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: ctx.token,
      RemoveFromVersionId: current,
    }),
  );
  ctx.log(`moved AWSCURRENT to version ${ctx.token}`);
}
