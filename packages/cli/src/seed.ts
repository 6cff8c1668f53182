/**
 * Seed files for `parasol dev --seed`: read and checked strictly (an unknown key
 * is refused by name, so a typo never seeds nothing in silence), then written
 * through the AWS API — signed HTTP, exactly as any client would.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AwsJsonClient, createCredentialSource, packageVersion } from '@parasol/extension';

interface SeedSecret {
  name: string;
  value?: string | Record<string, unknown>;
  binary?: string;
  description?: string;
}
interface SeedParameter {
  name: string;
  value: string;
  type?: 'String' | 'StringList' | 'SecureString';
  description?: string;
}
export interface SeedFile {
  secrets: SeedSecret[];
  parameters: SeedParameter[];
}

/** The keys a seed file may hold; `$comment` is allowed everywhere, `$schema` at the top. */
const TOP_KEYS = ['secrets', 'parameters', '$comment', '$schema'];
const SECRET_KEYS = ['name', 'value', 'binary', 'description', '$comment'];
const PARAMETER_KEYS = ['name', 'value', 'type', 'description', '$comment'];

function refuseUnknownKeys(file: string, where: string, entry: Record<string, unknown>, allowed: string[]): void {
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key))
      throw new Error(`--seed ${file}: unknown key ${JSON.stringify(key)} in ${where} (allowed: ${allowed.join(', ')})`);
  }
}

/** Reads and validates the seed file; errors name the file and the offending entry. */
export function readSeedFile(file: string): SeedFile {
  let parsed: any;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--seed ${file}: ${e instanceof Error ? e.message : 'cannot be read'}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`--seed ${file}: expected a JSON object {"secrets": [...], "parameters": [...]}`);
  refuseUnknownKeys(file, 'the top level', parsed, TOP_KEYS);
  const secrets = parsed.secrets ?? [];
  const parameters = parsed.parameters ?? [];
  if (!Array.isArray(secrets) || !Array.isArray(parameters)) throw new Error(`--seed ${file}: "secrets" and "parameters" must be lists`);
  secrets.forEach((s: any, i: number) => {
    const ok =
      s &&
      typeof s.name === 'string' &&
      (typeof s.value === 'string' || (s.value && typeof s.value === 'object') || typeof s.binary === 'string') &&
      !(s.value !== undefined && s.binary !== undefined);
    if (s && typeof s === 'object') refuseUnknownKeys(file, `secrets[${i}]`, s, SECRET_KEYS);
    if (!ok)
      throw new Error(`--seed ${file}: secrets[${i}] needs "name" and exactly one of "value" (string or object) or "binary" (base64)`);
  });
  parameters.forEach((p: any, i: number) => {
    const ok =
      p &&
      typeof p.name === 'string' &&
      typeof p.value === 'string' &&
      [undefined, 'String', 'StringList', 'SecureString'].includes(p.type);
    if (p && typeof p === 'object') refuseUnknownKeys(file, `parameters[${i}]`, p, PARAMETER_KEYS);
    if (!ok)
      throw new Error(`--seed ${file}: parameters[${i}] needs "name", "value" (string) and "type" String, StringList or SecureString`);
  });
  return { secrets, parameters };
}

/**
 * Writes the seed through the AWS API. Idempotent: an existing secret or
 * parameter with the same value is left alone; a changed one gets a new version.
 */
export async function applySeed(seed: SeedFile, endpoint: string, region: string): Promise<string> {
  const common = {
    endpoint,
    region,
    credentials: createCredentialSource({ accessKeyId: 'test', secretAccessKey: 'test' }),
    maxSockets: 4,
    timeoutMs: 10_000,
    userAgent: `parasol/${packageVersion()} parasol-dev-seed`,
  };
  const sm = new AwsJsonClient({ ...common, service: 'secretsmanager', targetPrefix: 'secretsmanager' });
  const ssm = new AwsJsonClient({ ...common, service: 'ssm', targetPrefix: 'AmazonSSM' });
  const counts = { created: 0, updated: 0, unchanged: 0 };
  try {
    for (const s of seed.secrets) {
      const value =
        s.binary !== undefined
          ? { SecretBinary: s.binary }
          : { SecretString: typeof s.value === 'string' ? s.value : JSON.stringify(s.value) };
      try {
        await sm.call('CreateSecret', {
          Name: s.name,
          ClientRequestToken: randomUUID(),
          ...(s.description && { Description: s.description }),
          ...value,
        });
        counts.created++;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ResourceExistsException') throw e;
        const current = await sm
          .call<{ SecretString?: string; SecretBinary?: string }>('GetSecretValue', { SecretId: s.name })
          .catch(() => ({}) as { SecretString?: string; SecretBinary?: string });
        const same = 'SecretBinary' in value ? current.SecretBinary === value.SecretBinary : current.SecretString === value.SecretString;
        if (same) counts.unchanged++;
        else {
          await sm.call('PutSecretValue', { SecretId: s.name, ClientRequestToken: randomUUID(), ...value });
          counts.updated++;
        }
      }
    }
    for (const p of seed.parameters) {
      const type = p.type ?? 'String';
      const current = await ssm
        .call<{ Parameter?: { Value?: string; Type?: string } }>('GetParameter', { Name: p.name, WithDecryption: true })
        .catch((e: { code?: string }) => {
          if (e.code === 'ParameterNotFound') return undefined;
          throw e;
        });
      if (current?.Parameter?.Value === p.value && current.Parameter.Type === type) {
        counts.unchanged++;
        continue;
      }
      await ssm.call('PutParameter', {
        Name: p.name,
        Value: p.value,
        Type: type,
        Overwrite: Boolean(current),
        ...(p.description && { Description: p.description }),
      });
      if (current) counts.updated++;
      else counts.created++;
    }
  } finally {
    sm.close();
    ssm.close();
  }
  return `${seed.secrets.length} secret(s), ${seed.parameters.length} parameter(s) — ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged`;
}
