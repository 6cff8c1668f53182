/**
 * SigV4 signing with the AWS SDK's own signer (@smithy/signature-v4). The
 * signer is imported on first use (or warmed by `preloadSigner` right after
 * the extension is ready), keeping it off the cold-start path.
 */
import type { CredentialSource } from './credentials.js';

export interface SignableRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Signer {
  /** Returns the headers to send, including Authorization and X-Amz-Date. */
  sign(request: SignableRequest): Promise<Record<string, string>>;
}

type SignerModules = [typeof import('@smithy/signature-v4'), typeof import('@smithy/hash-node')];
let modules: Promise<SignerModules> | undefined;

/** Starts importing the signer in the background; later calls share the same import. */
export function preloadSigner(): Promise<unknown> {
  modules ??= Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')]);
  return modules;
}

export async function createSigner(service: string, region: string, credentials: CredentialSource): Promise<Signer> {
  const [{ SignatureV4 }, { Hash }] = (await preloadSigner()) as SignerModules;
  const signer = new SignatureV4({
    service,
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  return {
    async sign(request) {
      const signed = await signer.sign({ ...request, query: {} });
      return signed.headers as Record<string, string>;
    },
  };
}
