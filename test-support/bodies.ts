/**
 * Test support: the JSON bodies the extension (and the local service) answer
 * with, typed for tests that read them from `fetch`. Which shape a response
 * has is what the test asserts; `ExtensionBody` lets it read any of their
 * fields without a cast at every line.
 */

/** An error: `{"__type", "message"}` (the local service's SSM errors modeled with `Message` use that key). */
export interface ErrorBody {
  __type: string;
  message: string;
}

/** `GET /secretsmanager/get`: GetSecretValue's response. */
export interface SecretBody {
  ARN: string;
  Name: string;
  VersionId: string;
  SecretString?: string;
  SecretBinary?: string;
  VersionStages: string[];
  /** RFC 3339 in the extension's answers. */
  CreatedDate: string;
  ResultMetadata?: Record<string, unknown>;
}

/** `GET /systemsmanager/parameters/get`: GetParameter's response. */
export interface ParameterBody {
  Parameter: {
    ARN: string;
    Name: string;
    Type: 'String' | 'StringList' | 'SecureString';
    Value: string;
    Version: number;
    /** RFC 3339 in the extension's answers. */
    LastModifiedDate: string;
    DataType?: string;
    Selector?: string;
    SourceResult?: string;
  };
  ResultMetadata?: Record<string, unknown>;
}

/**
 * Any body the extension answers with — a secret (SecretString or SecretBinary), a parameter or an
 * error — with every field readable; the test asserts which one it got.
 */
export type ExtensionBody = Required<SecretBody> & ParameterBody & ErrorBody;

/** `res.json()` typed as an extension body (by default any of the three shapes). */
export async function readBody<T = ExtensionBody>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** The extension's batch routes: BatchGetSecretValue's and GetParameters' responses. */
export interface BatchBody {
  SecretValues: Required<SecretBody>[];
  Errors: { SecretId: string; ErrorCode: string; Message: string }[];
  Parameters: ParameterBody['Parameter'][];
  InvalidParameters: string[];
}
