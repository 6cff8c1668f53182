/**
 * Upstream outputs → the exact 200 bodies of the AWS Parameters and Secrets
 * Lambda Extension: every output field present (null when absent), RFC 3339
 * dates, and `"ResultMetadata": {}` — what a JSON-marshalled aws-sdk-go-v2
 * output looks like (responses of AWS's extension captured in the public repository
 * github.com/fedonev/lambda-params-secrets, data/test-responses.json).
 */

export interface GetSecretValueOutput {
  ARN?: string;
  Name?: string;
  VersionId?: string;
  SecretString?: string;
  SecretBinary?: string;
  VersionStages?: string[];
  CreatedDate?: number;
}

export interface ParameterOutput {
  ARN?: string;
  DataType?: string;
  LastModifiedDate?: number;
  Name?: string;
  Selector?: string;
  SourceResult?: string;
  Type?: string;
  Value?: string;
  Version?: number;
}

export function secretBody(out: GetSecretValueOutput): Buffer {
  return Buffer.from(
    JSON.stringify({
      ARN: out.ARN ?? null,
      CreatedDate: rfc3339(out.CreatedDate),
      Name: out.Name ?? null,
      SecretBinary: out.SecretBinary ?? null,
      SecretString: out.SecretString ?? null,
      VersionId: out.VersionId ?? null,
      VersionStages: out.VersionStages ?? null,
      ResultMetadata: {},
    }),
  );
}

export function parameterBody(p: ParameterOutput): Buffer {
  return Buffer.from(
    JSON.stringify({
      Parameter: {
        ARN: p.ARN ?? null,
        DataType: p.DataType ?? null,
        LastModifiedDate: rfc3339(p.LastModifiedDate),
        Name: p.Name ?? null,
        Selector: p.Selector ?? null,
        SourceResult: p.SourceResult ?? null,
        Type: p.Type ?? null,
        Value: p.Value ?? null,
        Version: p.Version ?? 0,
      },
      ResultMetadata: {},
    }),
  );
}

/**
 * Epoch seconds (AWS JSON) → RFC 3339 in UTC the way Go prints it
 * (`time.RFC3339Nano`: trailing zeros of the fraction dropped).
 */
export function rfc3339(epochSeconds: number | undefined): string | null {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds)) return null;
  const iso = new Date(Math.round(epochSeconds * 1000)).toISOString();
  return iso.replace(/\.(\d*?)0+Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}
