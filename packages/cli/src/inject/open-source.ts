/**
 * Picks the source of values for `parasol exec` and `parasol render`:
 * the extension when one answers on its port and a token is set, else the
 * services directly (`--source extension|service` forces one).
 */
import { ExtensionSource, ExtensionUnavailableError, extensionAnswers, extensionToken, extensionUrl } from './extension-source.js';
import type { ValueSource } from './source.js';

export type SourceChoice = 'auto' | 'extension' | 'service';
export const SOURCE_CHOICES: readonly SourceChoice[] = ['auto', 'extension', 'service'];

export async function openSource(choice: SourceChoice, env: NodeJS.ProcessEnv = process.env): Promise<ValueSource> {
  if (choice !== 'service') {
    const url = extensionUrl(env);
    const token = extensionToken(env);
    if (choice === 'extension' && !token) {
      throw new ExtensionUnavailableError(
        'no token for the extension: set AWS_TOKEN (a value or file://PATH), AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN',
      );
    }
    if (token && (choice === 'extension' || (await extensionAnswers(url)))) {
      // The extension has no by-path route: `--path` is read from the service directly, set up on first use.
      let direct: ValueSource | undefined;
      const paths = {
        parametersByPath: async (path: string) => {
          direct ??= await serviceSource(env);
          return direct.parametersByPath(path);
        },
        close: () => direct?.close(),
      };
      return new ExtensionSource({ url, token: token.token, paths });
    }
  }
  return serviceSource(env);
}

async function serviceSource(env: NodeJS.ProcessEnv): Promise<ValueSource> {
  const { ServiceSource } = await import('./service-source.js');
  return new ServiceSource(env);
}
