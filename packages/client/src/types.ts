/**
 * Option and result types, shaped like Powertools' so that code written against
 * `@aws-lambda-powertools/parameters` type-checks unchanged: the result type is inferred from the literal
 * options (`transform`, `throwOnMissing`), and an explicit first type argument overrides it.
 *
 * SDK input types are imported as types only (erased at build), so the extension entry loads no SDK code.
 */
import type { GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import type { GetParameterCommandInput, GetParametersByPathCommandInput, PutParameterCommandInput } from '@aws-sdk/client-ssm';

export type JSONPrimitive = string | number | boolean | null;
export type JSONObject = { [key: string]: JSONValue };
export type JSONArray = JSONValue[];
export type JSONValue = JSONPrimitive | JSONObject | JSONArray;

/** `json` parses, `binary` base64-decodes to a string, `auto` chooses by a `.json`/`.binary` name suffix. */
export type TransformOptions = 'json' | 'binary' | 'auto';

/** Adds `| undefined` unless the options say `throwOnMissing: true`. */
export type GetMaybeUndefined<Output, InferredFromOptionsType> = InferredFromOptionsType extends { throwOnMissing: true }
  ? Output
  : Output | undefined;

interface GetOptionsBase {
  /** Seconds to keep the value cached. Default: `POWERTOOLS_PARAMETERS_MAX_AGE`, else 5. `0` (or less) = do not cache. */
  maxAge?: number;
  /** Ignore the cached value and fetch now; the fresh value replaces the cached one. Default false. */
  forceFetch?: boolean;
  /** Throw {@link ParameterNotFoundError} when the value does not exist, instead of `GetParameterError`. */
  throwOnMissing?: boolean;
}

// ---------------------------------------------------------------- Secrets Manager

interface SecretsGetOptionsBase extends GetOptionsBase {
  /** Fetch this version (GetSecretValue `VersionId`). */
  versionId?: string;
  /** Fetch the version with this staging label (`AWSCURRENT` by default, `AWSPREVIOUS`, `AWSPENDING`, ...). */
  versionStage?: string;
  /**
   * One top-level key of a JSON secret: the result is that key's value (a string as is, any other JSON value
   * as its JSON text, which `transform: 'json'` then parses). Extension mode asks the extension for the key
   * (`jsonKey=`), so only that value crosses the socket; SDK mode selects it after GetSecretValue. A missing key
   * fails with code `JsonKeyNotFound`, a secret that is not a JSON object with code `SecretNotJson`.
   */
  jsonKey?: string;
  /**
   * Fetch now, past every cache: implies `forceFetch`, and in extension mode also asks the extension to
   * refetch (`refreshNow=true`) instead of answering from its own cache. Default false.
   */
  refreshNow?: boolean;
  /** Extra GetSecretValue input (SDK mode). In extension mode only `VersionId`/`VersionStage` apply. */
  sdkOptions?: Omit<Partial<GetSecretValueCommandInput>, 'SecretId'>;
  transform?: 'json' | 'binary';
}
export interface SecretsGetOptionsTransformJson extends SecretsGetOptionsBase {
  transform: 'json';
}
export interface SecretsGetOptionsTransformBinary extends SecretsGetOptionsBase {
  transform: 'binary';
}
export interface SecretsGetOptionsTransformNone extends SecretsGetOptionsBase {
  transform?: never;
}
export type SecretsGetOptions =
  | SecretsGetOptionsTransformNone
  | SecretsGetOptionsTransformJson
  | SecretsGetOptionsTransformBinary
  | undefined;

/** No transform: `string | Uint8Array` (a binary secret is bytes; with `jsonKey`, string); `binary`: string; `json`: JSONValue. */
export type SecretsGetOutput<
  ExplicitUserProvidedType = undefined,
  InferredFromOptionsType = undefined,
> = undefined extends ExplicitUserProvidedType
  ? undefined extends InferredFromOptionsType
    ? string | Uint8Array
    : InferredFromOptionsType extends SecretsGetOptionsTransformNone
      ? InferredFromOptionsType extends { jsonKey: string }
        ? string
        : string | Uint8Array
      : InferredFromOptionsType extends SecretsGetOptionsTransformBinary
        ? string
        : InferredFromOptionsType extends SecretsGetOptionsTransformJson
          ? JSONValue
          : never
  : ExplicitUserProvidedType;

/** Options of `getSecretsByName` (BatchGetSecretValue): shared by every name. */
export interface SecretsGetMultipleOptionsBase {
  maxAge?: number;
  forceFetch?: boolean;
  transform?: 'json' | 'binary' | 'auto';
  /** Throw on the first failed name (default true); when false, failed names are listed in `_errors`. */
  throwOnError?: boolean;
}
export interface SecretsGetMultipleOptionsTransformJson extends SecretsGetMultipleOptionsBase {
  transform: 'json';
}
export interface SecretsGetMultipleOptionsTransformBinary extends SecretsGetMultipleOptionsBase {
  transform: 'binary';
}
export interface SecretsGetMultipleOptionsTransformAuto extends SecretsGetMultipleOptionsBase {
  transform: 'auto';
}
export interface SecretsGetMultipleOptionsTransformNone extends SecretsGetMultipleOptionsBase {
  transform?: never;
}
export type SecretsGetMultipleOptions =
  | SecretsGetMultipleOptionsTransformJson
  | SecretsGetMultipleOptionsTransformBinary
  | SecretsGetMultipleOptionsTransformAuto
  | SecretsGetMultipleOptionsTransformNone
  | undefined;

export type SecretsGetMultipleOutput<ExplicitUserProvidedType = undefined, InferredFromOptionsType = undefined> = Record<
  string,
  undefined extends ExplicitUserProvidedType
    ? undefined extends InferredFromOptionsType
      ? string | Uint8Array
      : InferredFromOptionsType extends SecretsGetMultipleOptionsTransformNone
        ? string | Uint8Array
        : InferredFromOptionsType extends SecretsGetMultipleOptionsTransformBinary
          ? string
          : InferredFromOptionsType extends SecretsGetMultipleOptionsTransformJson
            ? JSONValue
            : InferredFromOptionsType extends SecretsGetMultipleOptionsTransformAuto
              ? JSONValue | Uint8Array
              : never
    : ExplicitUserProvidedType
> & { _errors?: string[] };

// ---------------------------------------------------------------- SSM Parameter Store

interface SSMGetOptionsBase extends GetOptionsBase {
  /** Decrypt SecureString values. Default: `sdkOptions.WithDecryption`, else `POWERTOOLS_PARAMETERS_SSM_DECRYPT`, else false. */
  decrypt?: boolean;
  /** Extra GetParameter input (SDK mode). In extension mode only `WithDecryption` applies. */
  sdkOptions?: Partial<GetParameterCommandInput>;
  transform?: 'json' | 'binary';
}
export interface SSMGetOptionsTransformJson extends SSMGetOptionsBase {
  transform: 'json';
}
export interface SSMGetOptionsTransformBinary extends SSMGetOptionsBase {
  transform: 'binary';
}
export interface SSMGetOptionsTransformNone extends SSMGetOptionsBase {
  transform?: never;
}
export type SSMGetOptions = SSMGetOptionsTransformJson | SSMGetOptionsTransformBinary | SSMGetOptionsTransformNone | undefined;

/** No transform or `binary`: string; `json`: JSONValue. */
export type SSMGetOutput<
  ExplicitUserProvidedType = undefined,
  InferredFromOptionsType = undefined,
> = undefined extends ExplicitUserProvidedType
  ? undefined extends InferredFromOptionsType
    ? string
    : InferredFromOptionsType extends SSMGetOptionsTransformNone | SSMGetOptionsTransformBinary
      ? string
      : InferredFromOptionsType extends SSMGetOptionsTransformJson
        ? JSONValue
        : never
  : ExplicitUserProvidedType;

interface SSMGetMultipleOptionsBase extends GetOptionsBase {
  decrypt?: boolean;
  /** Include every level below the path. Sent only when given (the service default applies otherwise). */
  recursive?: boolean;
  /** Throw when a value cannot be transformed (default false: that entry becomes `undefined`). */
  throwOnTransformError?: boolean;
  sdkOptions?: Partial<GetParametersByPathCommandInput>;
  transform?: TransformOptions;
}
export interface SSMGetMultipleOptionsTransformJson extends SSMGetMultipleOptionsBase {
  transform: 'json';
}
export interface SSMGetMultipleOptionsTransformBinary extends SSMGetMultipleOptionsBase {
  transform: 'binary';
}
export interface SSMGetMultipleOptionsTransformAuto extends SSMGetMultipleOptionsBase {
  transform: 'auto';
}
export interface SSMGetMultipleOptionsTransformNone extends SSMGetMultipleOptionsBase {
  transform?: never;
}
export type SSMGetMultipleOptions =
  | SSMGetMultipleOptionsTransformJson
  | SSMGetMultipleOptionsTransformBinary
  | SSMGetMultipleOptionsTransformAuto
  | SSMGetMultipleOptionsTransformNone
  | undefined;

export type SSMGetMultipleOutput<
  ExplicitUserProvidedType = undefined,
  InferredFromOptionsType = undefined,
> = undefined extends ExplicitUserProvidedType
  ? undefined extends InferredFromOptionsType
    ? Record<string, string>
    : InferredFromOptionsType extends SSMGetMultipleOptionsTransformNone | SSMGetMultipleOptionsTransformBinary
      ? Record<string, string>
      : InferredFromOptionsType extends SSMGetMultipleOptionsTransformAuto | SSMGetMultipleOptionsTransformJson
        ? Record<string, JSONValue>
        : never
  : Record<string, ExplicitUserProvidedType>;

/** Per-name (and shared) options of `getParametersByName`. */
export interface SSMGetParametersByNameOptions {
  maxAge?: number;
  throwOnError?: boolean;
  decrypt?: boolean;
  transform?: 'json' | 'binary';
}

export type SSMGetParametersByNameOutput<InferredFromOptionsType = undefined> = undefined extends InferredFromOptionsType
  ? Record<string, unknown> & { _errors?: string[] }
  : Record<string, InferredFromOptionsType> & { _errors?: string[] };

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type ParameterTier = 'Standard' | 'Advanced' | 'Intelligent-Tiering';

/** Options of `setParameter` (PutParameter). */
export interface SSMSetOptions {
  value: string;
  /** Replace an existing parameter (default false). */
  overwrite?: boolean;
  description?: string;
  /** Default `String`. */
  parameterType?: ParameterType;
  /** Default `Standard`. */
  tier?: ParameterTier;
  kmsKeyId?: string;
  sdkOptions?: Partial<PutParameterCommandInput>;
}

/**
 * Which failures of the function given to `withSecret` mean "the credential is no longer valid": a predicate,
 * or error codes compared with the error's `code` and `name` (e.g. PostgreSQL's `28P01`, MySQL's
 * `ER_ACCESS_DENIED_ERROR`, an AWS SDK's `UnrecognizedClientException`).
 */
export type RetryOn = ((error: unknown) => boolean) | readonly string[];

/** Options of `withSecret`: those of `getSecret`, plus `retryOn`. */
export type WithSecretOptions = NonNullable<SecretsGetOptions> & {
  /** Default: {@link DEFAULT_RETRY_ON}. */
  retryOn?: RetryOn;
};
