/**
 * Fetching a secret for the cache, cheaply and fresh after rotation.
 *
 * - When a cached secret expires, ask DescribeSecret (a quota of 40,000
 *   requests/s against GetSecretValue's 10,000) which version now carries the
 *   requested stage; fetch the value again only when that version or its
 *   stages moved, else keep the cached value for another TTL.
 * - An entry never outlives the secret's NextRotationDate when that comes
 *   sooner than its TTL. The first fetch learns it from a DescribeSecret sent
 *   alongside (never waited for); a revalidation learns it from its own.
 * - Without the secretsmanager:DescribeSecret permission (AccessDeniedException)
 *   this stops for the life of the process and expiry simply refetches.
 *   refreshNow always refetches.
 */
import type { Fetch, Fetched, ResponseCache } from './cache.js';
import { ExtensionError } from './errors.js';
import type { Metrics } from './metrics.js';
import { secretBody } from './responses.js';
import type { DescribeSecretOutput, Upstream } from './upstream/index.js';

export interface SecretSelector {
  secretId: string;
  versionId?: string;
  versionStage?: string;
  refreshNow: boolean;
}

export class SecretFetcher {
  /** False once DescribeSecret was refused (no permission): expiry then refetches. */
  private describeAllowed = true;

  constructor(
    private readonly upstream: Upstream,
    private readonly cache: ResponseCache,
    private readonly metrics: Metrics,
    private readonly ttlMs: number,
  ) {}

  /** The cache's fetch for one secret request stored under `key`. */
  fetch(r: SecretSelector, key: string): Fetch {
    return async (previous) => {
      if (previous !== undefined && !r.refreshNow && this.describeAllowed) {
        const revalidated = await this.revalidate(r, previous);
        if (revalidated) return revalidated;
      }
      const body = await this.getValue(r);
      if (previous === undefined && this.describeAllowed && this.ttlMs > 0) {
        this.describe(r.secretId).then(
          (d) => {
            const at = notAfter(d);
            if (at !== undefined) this.cache.limitExpiry(key, at);
          },
          () => {},
        );
      }
      return body;
    };
  }

  private async getValue(r: SecretSelector): Promise<Buffer> {
    return secretBody(
      await this.upstream.getSecretValue({
        SecretId: r.secretId,
        ...(r.versionId !== undefined && { VersionId: r.versionId }),
        ...(r.versionStage !== undefined && { VersionStage: r.versionStage }),
      }),
    );
  }

  /** The cached value again when its version still carries the same stages; a fresh value when it moved; undefined when DescribeSecret failed. */
  private async revalidate(r: SecretSelector, previous: Buffer): Promise<Fetched | undefined> {
    let described: DescribeSecretOutput;
    try {
      described = await this.describe(r.secretId);
    } catch {
      this.metrics.recordRevalidation('failed');
      return undefined;
    }
    const cached = JSON.parse(previous.toString('utf8')) as { VersionId?: string | null; VersionStages?: string[] | null };
    const versions = described.VersionIdsToStages ?? {};
    const stage = r.versionStage ?? (r.versionId === undefined ? 'AWSCURRENT' : undefined);
    const versionId = r.versionId ?? Object.keys(versions).find((id) => stage !== undefined && versions[id]?.includes(stage));
    const stages = versionId === undefined ? undefined : versions[versionId];
    const unchanged =
      versionId !== undefined &&
      versionId === cached.VersionId &&
      stages !== undefined &&
      (stage === undefined || stages.includes(stage)) &&
      sameMembers(stages, cached.VersionStages ?? []);
    if (unchanged) {
      this.metrics.recordRevalidation('unchanged');
      return { value: previous, notAfter: notAfter(described) };
    }
    this.metrics.recordRevalidation('changed');
    return { value: await this.getValue(r), notAfter: notAfter(described) };
  }

  private async describe(secretId: string): Promise<DescribeSecretOutput> {
    try {
      return await this.upstream.describeSecret({ SecretId: secretId });
    } catch (e) {
      if (e instanceof ExtensionError && e.code === 'AccessDeniedException') this.describeAllowed = false;
      throw e;
    }
  }
}

/** NextRotationDate in epoch ms when rotation is on and the date is still ahead. */
function notAfter(d: DescribeSecretOutput): number | undefined {
  if (d.RotationEnabled === false || typeof d.NextRotationDate !== 'number') return undefined;
  const at = d.NextRotationDate * 1000;
  return at > Date.now() ? at : undefined;
}

function sameMembers(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
