/**
 * Type-level tests: `tsc -p packages/client/test/tsconfig.json` must pass (run by types.test.ts).
 * `expectTypeOf(x).toEqualTypeOf<T>()` fails to compile unless x's type is exactly T; every
 * `@ts-expect-error` line must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
 * Nothing here runs: the checks live in functions that are never called.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  getParameter,
  getParameters,
  getParametersByName,
  getSecret,
  getSecretsByName,
  type JSONValue,
  SecretsProvider,
  SSMProvider,
  setParameter,
} from '@parasol/client';
import * as ext from '@parasol/client/extension';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectTypeOf<T>(_value: T) {
  return {
    toEqualTypeOf<U>(..._proof: Equal<T, U> extends true ? [] : ['types differ', T, U]) {},
  };
}

interface DbCredentials {
  username: string;
  password: string;
}

export async function secrets() {
  expectTypeOf(await getSecret('s')).toEqualTypeOf<string | Uint8Array | undefined>();
  expectTypeOf(await getSecret('s', { maxAge: 300 })).toEqualTypeOf<string | Uint8Array | undefined>();
  expectTypeOf(await getSecret('s', { transform: 'json' })).toEqualTypeOf<JSONValue | undefined>();
  expectTypeOf(await getSecret('s', { maxAge: 300, transform: 'json' })).toEqualTypeOf<JSONValue | undefined>();
  expectTypeOf(await getSecret('s', { transform: 'binary' })).toEqualTypeOf<string | undefined>();
  expectTypeOf(await getSecret('s', { transform: 'json', throwOnMissing: true })).toEqualTypeOf<JSONValue>();
  expectTypeOf(await getSecret('s', { versionStage: 'AWSPREVIOUS', forceFetch: true })).toEqualTypeOf<string | Uint8Array | undefined>();
  expectTypeOf(await getSecret('s', { sdkOptions: { VersionId: 'v' } })).toEqualTypeOf<string | Uint8Array | undefined>();
  expectTypeOf(await getSecret<DbCredentials>('s', { transform: 'json' })).toEqualTypeOf<DbCredentials | undefined>();

  // @ts-expect-error 'auto' needs a name per value: only getParameters / getSecretsByName take it
  await getSecret('s', { transform: 'auto' });
  // @ts-expect-error unknown transform
  await getSecret('s', { transform: 'yaml' });
  // @ts-expect-error maxAge is a number of seconds
  await getSecret('s', { maxAge: '5' });
  const parsed = await getSecret('s', { transform: 'json', throwOnMissing: true });
  // @ts-expect-error a json secret is not known to be a string
  parsed.toUpperCase();

  const batch = await getSecretsByName(['a', 'b']);
  expectTypeOf(batch).toEqualTypeOf<Record<string, string | Uint8Array> & { _errors?: string[] }>();
  expectTypeOf(await getSecretsByName(['a'], { transform: 'json' })).toEqualTypeOf<Record<string, JSONValue> & { _errors?: string[] }>();
  expectTypeOf(await getSecretsByName(['a'], { transform: 'binary' })).toEqualTypeOf<Record<string, string> & { _errors?: string[] }>();

  const provider = new SecretsProvider({ clientConfig: { region: 'eu-west-1' }, cacheSize: 10 });
  expectTypeOf(await provider.get('s', { transform: 'binary' })).toEqualTypeOf<string | undefined>();
  // @ts-expect-error clientConfig and awsSdkV3Client exclude each other
  new SecretsProvider({ clientConfig: {}, awsSdkV3Client: new SecretsManagerClient({}) });
}

export async function parameters() {
  expectTypeOf(await getParameter('p')).toEqualTypeOf<string | undefined>();
  expectTypeOf(await getParameter('p', { decrypt: true })).toEqualTypeOf<string | undefined>();
  expectTypeOf(await getParameter('p', { transform: 'binary' })).toEqualTypeOf<string | undefined>();
  expectTypeOf(await getParameter('p', { transform: 'json' })).toEqualTypeOf<JSONValue | undefined>();
  expectTypeOf(await getParameter('p', { throwOnMissing: true })).toEqualTypeOf<string>();
  expectTypeOf(await getParameter<number>('p', { transform: 'json' })).toEqualTypeOf<number | undefined>();
  // @ts-expect-error decrypt is a boolean
  await getParameter('p', { decrypt: 'yes' });
  // @ts-expect-error 'auto' is for getParameters
  await getParameter('p', { transform: 'auto' });

  expectTypeOf(await getParameters('/app')).toEqualTypeOf<Record<string, string> | undefined>();
  expectTypeOf(await getParameters('/app', { recursive: true, decrypt: true })).toEqualTypeOf<Record<string, string> | undefined>();
  expectTypeOf(await getParameters('/app', { transform: 'json' })).toEqualTypeOf<Record<string, JSONValue> | undefined>();
  expectTypeOf(await getParameters('/app', { transform: 'auto' })).toEqualTypeOf<Record<string, JSONValue> | undefined>();
  expectTypeOf(await getParameters('/app', { transform: 'binary' })).toEqualTypeOf<Record<string, string> | undefined>();
  expectTypeOf(await getParameters<boolean>('/app', { transform: 'json' })).toEqualTypeOf<Record<string, boolean> | undefined>();
  // @ts-expect-error recursive is a boolean
  await getParameters('/app', { recursive: 1 });

  expectTypeOf(await getParametersByName({ '/a': {}, '/b': { transform: 'json', decrypt: true } })).toEqualTypeOf<
    Record<string, unknown> & { _errors?: string[] }
  >();
  expectTypeOf(await getParametersByName<string>({ '/a': {} }, { throwOnError: false })).toEqualTypeOf<
    Record<string, string> & { _errors?: string[] }
  >();
  // @ts-expect-error per-name options do not take 'auto'
  await getParametersByName({ '/a': { transform: 'auto' } });

  expectTypeOf(
    await setParameter('/p', { value: 'v', overwrite: true, parameterType: 'SecureString', tier: 'Advanced' }),
  ).toEqualTypeOf<number>();
  // @ts-expect-error value is required
  await setParameter('/p', { overwrite: true });
  // @ts-expect-error no such parameter type
  await setParameter('/p', { value: 'v', parameterType: 'Integer' });

  const provider = new SSMProvider({ awsSdkV3Client: new SSMClient({}) });
  expectTypeOf(await provider.get('p', { transform: 'json' })).toEqualTypeOf<JSONValue | undefined>();
  expectTypeOf(await provider.getMultiple('/app', { transform: 'auto' })).toEqualTypeOf<Record<string, JSONValue> | undefined>();
}

export async function extensionMode() {
  // The same inference through the extension entry.
  expectTypeOf(await ext.getSecret('s', { maxAge: 300, transform: 'json' })).toEqualTypeOf<JSONValue | undefined>();
  expectTypeOf(await ext.getSecret('s')).toEqualTypeOf<string | Uint8Array | undefined>();
  expectTypeOf(await ext.getParameter('p', { transform: 'binary', throwOnMissing: true })).toEqualTypeOf<string>();
  expectTypeOf(await ext.getSecretsByName(['a'], { transform: 'auto' })).toEqualTypeOf<
    Record<string, JSONValue | Uint8Array> & { _errors?: string[] }
  >();
  const provider = new ext.SecretsProvider({ endpoint: 'http://127.0.0.1:2773', token: 't', timeoutMs: 1000, cacheSize: 5 });
  expectTypeOf(await provider.get('s', { versionId: 'v', transform: 'binary' })).toEqualTypeOf<string | undefined>();
  // @ts-expect-error extension mode has no SDK client options
  new ext.SSMProvider({ clientConfig: {} });
  // @ts-expect-error timeoutMs is milliseconds as a number
  new ext.SSMProvider({ timeoutMs: '1s' });
}
