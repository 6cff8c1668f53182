import { GetRandomPasswordCommand, type GetRandomPasswordCommandInput, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Passwords come from Secrets Manager's GetRandomPassword, configured the way
 * AWS's rotation templates read their environment: EXCLUDE_CHARACTERS
 * (default `:/@"'\`, the characters that break connection strings and .pgpass),
 * PASSWORD_LENGTH (32), EXCLUDE_NUMBERS / EXCLUDE_PUNCTUATION /
 * EXCLUDE_UPPERCASE / EXCLUDE_LOWERCASE (false), REQUIRE_EACH_INCLUDED_TYPE (true).
 * Booleans are true for `true`, `1`, `y` or `yes` (any case).
 */
export type PasswordOptions = Omit<GetRandomPasswordCommandInput, never>;

export const DEFAULT_EXCLUDE_CHARACTERS = ':/@"\'\\';

const truthy = (v: string | undefined, fallback: boolean) =>
  v === undefined ? fallback : ['true', '1', 'y', 'yes'].includes(v.trim().toLowerCase());

export function passwordOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PasswordOptions {
  const length = env.PASSWORD_LENGTH === undefined ? 32 : Number.parseInt(env.PASSWORD_LENGTH, 10);
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw new Error('PASSWORD_LENGTH must be an integer 1-4096');
  return {
    ExcludeCharacters: env.EXCLUDE_CHARACTERS ?? DEFAULT_EXCLUDE_CHARACTERS,
    PasswordLength: length,
    ExcludeNumbers: truthy(env.EXCLUDE_NUMBERS, false),
    ExcludePunctuation: truthy(env.EXCLUDE_PUNCTUATION, false),
    ExcludeUppercase: truthy(env.EXCLUDE_UPPERCASE, false),
    ExcludeLowercase: truthy(env.EXCLUDE_LOWERCASE, false),
    RequireEachIncludedType: truthy(env.REQUIRE_EACH_INCLUDED_TYPE, true),
  };
}

export async function randomPassword(client: SecretsManagerClient, options: PasswordOptions): Promise<string> {
  const out = await client.send(new GetRandomPasswordCommand(options));
  if (!out.RandomPassword) throw new Error('GetRandomPassword returned no password');
  return out.RandomPassword;
}
