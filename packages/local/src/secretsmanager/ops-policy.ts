import { AwsError } from '../errors.js';
import { operation, type ServiceContext } from '../module.js';
import { markedForDeletion, replicaNotPermitted } from './errors.js';
import { syncReplicas } from './replication.js';
import { shapes } from './shapes.js';
import { requireSecret, type SecretRow, updateSecret } from './store.js';

/**
 * Resource policies (Secrets Manager API Reference: PutResourcePolicy). Parasol stores and checks them but,
 * like every local emulator, does not evaluate them on requests: the local
 * service has one trust domain (its credentials file).
 */

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

const malformed = (detail: string) =>
  new AwsError('MalformedPolicyDocumentException', `This resource policy contains a syntax error: ${detail}`);

/** Parses a policy document; throws MalformedPolicyDocumentException when it is not one. */
function parsePolicy(text: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('the document is not valid JSON.');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw malformed('the document must be a JSON object.');
  const statement = (doc as { Statement?: unknown }).Statement;
  if (statement === undefined) throw malformed('the document has no Statement.');
  const statements = Array.isArray(statement) ? statement : [statement];
  if (statements.some((s) => s === null || typeof s !== 'object' || Array.isArray(s))) {
    throw malformed('every Statement must be a JSON object.');
  }
  return statements as Statement[];
}

/** Structural problems AWS reports as validation errors rather than refusing the document. */
function statementErrors(statements: Statement[]): { CheckName: string; ErrorMessage: string }[] {
  const errors: { CheckName: string; ErrorMessage: string }[] = [];
  statements.forEach((s, i) => {
    const where = `Statement ${i + 1}`;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
      errors.push({ CheckName: 'SYNTAX_CHECK', ErrorMessage: `${where}: Effect must be "Allow" or "Deny".` });
    }
    if (s.Action === undefined) errors.push({ CheckName: 'SYNTAX_CHECK', ErrorMessage: `${where}: Action is required.` });
    if (s.Principal === undefined) errors.push({ CheckName: 'SYNTAX_CHECK', ErrorMessage: `${where}: Principal is required.` });
  });
  return errors;
}

const isWildcard = (p: unknown): boolean => p === '*' || (Array.isArray(p) && p.includes('*'));

/** An Allow statement for any principal without conditions grants public access. */
function grantsPublicAccess(statements: Statement[]): boolean {
  return statements.some((s) => {
    if (s.Effect !== 'Allow' || s.Condition !== undefined) return false;
    const p = s.Principal;
    if (isWildcard(p)) return true;
    return p !== null && typeof p === 'object' && isWildcard((p as { AWS?: unknown }).AWS);
  });
}

function requireWritable(ctx: ServiceContext, secretId: string): SecretRow {
  const secret = requireSecret(ctx.db, ctx.region, secretId);
  if (secret.deleted_ms !== null) throw markedForDeletion();
  if (secret.replica_of !== null) throw replicaNotPermitted();
  return secret;
}

export const policyOperations = {
  PutResourcePolicy: operation(shapes.PutResourcePolicy, (input, ctx) => {
    const secret = requireWritable(ctx, input.SecretId);
    const statements = parsePolicy(input.ResourcePolicy);
    const errors = statementErrors(statements);
    if (errors.length > 0) throw malformed(errors[0].ErrorMessage);
    if (input.BlockPublicPolicy === true && grantsPublicAccess(statements)) {
      throw new AwsError(
        'PublicPolicyException',
        'This resource policy will grant public access to the secret. Remove the public access or set BlockPublicPolicy to false.',
      );
    }
    const updated = updateSecret(ctx.db, secret, { resource_policy: input.ResourcePolicy, last_changed_ms: ctx.now });
    syncReplicas(ctx, updated);
    return { ARN: secret.arn, Name: secret.name };
  }),

  GetResourcePolicy: operation(shapes.GetResourcePolicy, (input, ctx) => {
    const secret = requireSecret(ctx.db, ctx.region, input.SecretId);
    if (secret.deleted_ms !== null) throw markedForDeletion();
    const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
    if (secret.resource_policy !== null) out.ResourcePolicy = secret.resource_policy;
    return out;
  }),

  DeleteResourcePolicy: operation(shapes.DeleteResourcePolicy, (input, ctx) => {
    const secret = requireWritable(ctx, input.SecretId);
    if (secret.resource_policy !== null) {
      const updated = updateSecret(ctx.db, secret, { resource_policy: null, last_changed_ms: ctx.now });
      syncReplicas(ctx, updated);
    }
    return { ARN: secret.arn, Name: secret.name };
  }),

  ValidateResourcePolicy: operation(shapes.ValidateResourcePolicy, (input, ctx) => {
    if (input.SecretId !== undefined) requireSecret(ctx.db, ctx.region, input.SecretId);
    const statements = parsePolicy(input.ResourcePolicy);
    const errors = statementErrors(statements);
    if (grantsPublicAccess(statements)) {
      errors.push({ CheckName: 'PUBLIC_ACCESS_CHECK', ErrorMessage: 'The policy grants access to any principal (Principal "*").' });
    }
    return { PolicyValidationPassed: errors.length === 0, ValidationErrors: errors };
  }),
};
