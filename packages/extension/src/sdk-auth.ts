/**
 * Who may call the SDK-shaped endpoint: a caller that sends the extension's
 * token header (checked exactly as on the GET routes), or one that signs with
 * SigV4 using the function's own credentials (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, what an SDK in the function signs
 * with) or the configured extension key (PARASOL_SDK_ACCESS_KEY_ID /
 * PARASOL_SDK_SECRET_ACCESS_KEY). The signature binds the body and
 * X-Amz-Target, its date must be within PARASOL_SDK_MAX_CLOCK_SKEW_SECONDS of
 * now (5 minutes by default; AWS's Cloud Extensions document 5 seconds), its scope must name the service called, and a signature made with
 * the function's temporary credentials must carry their session token.
 *
 * The verifier (@parasol/sigv4) is imported on the first signed request.
 */
import type { IncomingMessage } from 'node:http';
import type { StaticCredentials } from './config.js';
import { RequestError } from './errors.js';
import type { SdkService } from './sdk-endpoint.js';
import { TOKEN_HEADER } from './token.js';

export interface SdkAuthOptions {
  /** The token check of the GET routes (follows a re-read token file). */
  tokenMatches: (given: string) => boolean;
  /** The function's own credentials, from its environment. */
  functionCredentials?: StaticCredentials;
  /** PARASOL_SDK_ACCESS_KEY_ID / PARASOL_SDK_SECRET_ACCESS_KEY. */
  extensionKey?: { accessKeyId: string; secretAccessKey: string };
  /** Largest accepted distance between a signature's X-Amz-Date and now. */
  maxClockSkewMs: number;
}

type Verify = (req: IncomingMessage, body: Buffer) => { accessKeyId: string; service: string; securityToken?: string };

export function createSdkAuthenticator(options: SdkAuthOptions) {
  let verifier: Promise<Verify> | undefined;
  const keys = [options.functionCredentials, options.extensionKey].filter((k) => k !== undefined);

  return async (req: IncomingMessage, body: Buffer, service: SdkService): Promise<void> => {
    const token = req.headers[TOKEN_HEADER];
    if (token !== undefined) {
      if (typeof token !== 'string' || !options.tokenMatches(token)) {
        throw new RequestError('InvalidTokenException', 'X-Aws-Parameters-Secrets-Token does not match the configured token', 403);
      }
      return;
    }
    if (req.headers.authorization === undefined) {
      throw new RequestError(
        'MissingAuthenticationTokenException',
        'Missing Authentication Token: sign the request with SigV4 or send X-Aws-Parameters-Secrets-Token',
        401,
      );
    }
    verifier ??= loadVerifier(keys, options.maxClockSkewMs);
    const verify = await verifier;
    const caller = verify(req, body);
    if (caller.service !== service) {
      throw new RequestError('InvalidSignatureException', `the credential scope names service '${caller.service}', not '${service}'`, 403);
    }
    const own = options.functionCredentials;
    if (own?.sessionToken && caller.accessKeyId === own.accessKeyId && caller.securityToken !== own.sessionToken) {
      throw new RequestError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
    }
  };
}

async function loadVerifier(keys: Array<{ accessKeyId: string; secretAccessKey: string }>, maxClockSkewMs: number): Promise<Verify> {
  const { SigV4Verifier, SigV4Error } = await import('@parasol/sigv4');
  const verifier = new SigV4Verifier({ credentials: keys, maxClockSkewMs });
  return (req, body) => {
    try {
      return verifier.verify({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, Date.now());
    } catch (e) {
      if (!(e instanceof SigV4Error)) throw e;
      // Cloud Extensions' statuses: 401 when unsigned, 403 when the signature is refused.
      throw new RequestError(e.code, e.message, e.code === 'MissingAuthenticationTokenException' ? 401 : 403);
    }
  };
}
