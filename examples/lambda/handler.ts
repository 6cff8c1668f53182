/**
 * A Lambda handler that reads a secret and a parameter through the
 * Parameters and Secrets extension on 127.0.0.1:2773. The requests are the
 * documented AWS ones, so this handler works unchanged with AWS's layer and
 * with parasol's: same URLs, same header, same JSON.
 *
 * No SDK: one local HTTP request per read (a cache hit never leaves the
 * execution environment). `@parasol/client/extension` wraps the same calls
 * with types, transforms and an in-process cache.
 */

interface GetSecretValueResult {
  Name: string;
  SecretString?: string;
  VersionId: string;
}

interface GetParameterResult {
  Parameter: { Name: string; Value: string; Version: number };
}

/** The extension's port: the same variable configures the extension itself. */
function extensionBase(): string {
  return `http://127.0.0.1:${process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773'}`;
}

async function fromExtension<T>(path: string): Promise<T> {
  const res = await fetch(`${extensionBase()}${path}`, {
    // The extension only answers callers that prove they run inside this
    // environment: the function's session token (or AWS_TOKEN if you set one).
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_TOKEN ?? process.env.AWS_SESSION_TOKEN ?? '' },
  });
  // Error bodies are {"__type","message"} and never contain a secret value.
  if (!res.ok) throw new Error(`extension ${path.split('?')[0]} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export function getSecret(secretId: string): Promise<GetSecretValueResult> {
  return fromExtension(`/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`);
}

export function getParameter(name: string, withDecryption = true): Promise<GetParameterResult> {
  return fromExtension(`/systemsmanager/parameters/get?name=${encodeURIComponent(name)}&withDecryption=${withDecryption}`);
}

export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  const [secret, parameter] = await Promise.all([
    getSecret(process.env.DB_SECRET_ID ?? 'demo/db-credentials'),
    getParameter(process.env.FEATURE_PARAMETER ?? '/demo/config/feature/new-checkout'),
  ]);
  const credentials = JSON.parse(secret.SecretString ?? '{}') as { username?: string; password?: string };
  // Use the values; never log or return them.
  return {
    statusCode: 200,
    body: JSON.stringify({
      secret: secret.Name,
      secretVersion: secret.VersionId,
      hasPassword: typeof credentials.password === 'string' && credentials.password.length > 0,
      parameter: parameter.Parameter.Name,
      newCheckout: parameter.Parameter.Value === 'true',
    }),
  };
};
