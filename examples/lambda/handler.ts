/**
 * A Lambda handler that reads a secret and a parameter through the
 * Parameters and Secrets extension on 127.0.0.1:2773 with `@parasol/client`'s
 * extension mode: the documented AWS requests (same URLs, same header, same
 * JSON), so it works unchanged with AWS's layer and with parasol's.
 *
 * No SDK in the function: one local HTTP request per read that misses the
 * client's in-process cache (`maxAge`), and a hit in the extension's cache
 * never leaves the execution environment. The client takes the token from
 * AWS_SESSION_TOKEN (AWS_TOKEN if set) and the port from
 * PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, as the extension does.
 */
import { getParameter, getSecret } from '@parasol/client/extension';

/** Values are re-read at most every 5 minutes per execution environment (the extension's TTL is the same). */
const MAX_AGE_SECS = 300;

export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  const secretId = process.env.DB_SECRET_ID ?? 'demo/db-credentials';
  const parameterName = process.env.FEATURE_PARAMETER ?? '/demo/config/feature/new-checkout';
  const [credentials, newCheckout] = await Promise.all([
    getSecret(secretId, { transform: 'json', maxAge: MAX_AGE_SECS }) as Promise<{ username?: string; password?: string }>,
    getParameter(parameterName, { maxAge: MAX_AGE_SECS }),
  ]);
  // Use the values; never log or return them. Errors (GetParameterError, with the extension's
  // status and `__type` in `cause`) never contain a value either.
  return {
    statusCode: 200,
    body: JSON.stringify({
      secret: secretId,
      hasPassword: typeof credentials?.password === 'string' && credentials.password.length > 0,
      parameter: parameterName,
      newCheckout: newCheckout === 'true',
    }),
  };
};
