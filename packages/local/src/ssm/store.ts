import type { Statement } from 'better-sqlite3';
import type { Db } from '../db.js';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type Tier = 'Standard' | 'Advanced';

export interface ParameterRow {
  region: string;
  key: string;
  name: string;
  version: number;
  expires_at: number | null;
}

export interface VersionRow {
  version: number;
  type: ParameterType;
  value: string | null;
  sealed: Buffer | null;
  key_id: string | null;
  description: string | null;
  allowed_pattern: string | null;
  tier: Tier;
  /** JSON array of the policy texts as given. */
  policies: string | null;
  data_type: string;
  modified_at: number;
  modified_by: string;
}

/** A parameter joined with one of its versions (usually the latest). */
export type ParameterVersion = ParameterRow & VersionRow;

export type NewVersion = Omit<VersionRow, 'version'>;

const JOIN = `SELECT p.region, p.key, p.name, p.expires_at, v.* FROM ssm_parameters p
  JOIN ssm_versions v ON v.region = p.region AND v.key = p.key`;
const LIVE = '(p.expires_at IS NULL OR p.expires_at > @now)';

/**
 * All SQL of Parameter Store, prepared once per database. Every read takes
 * `now` and hides parameters whose Expiration policy has passed, so an
 * expired parameter is gone even before the sweeper deletes it.
 */
export class ParameterStore {
  private readonly s: Record<string, Statement>;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      find: p(`SELECT * FROM ssm_parameters p WHERE region = @region AND key = @key AND ${LIVE}`),
      findAny: p('SELECT * FROM ssm_parameters WHERE region = @region AND key = @key'),
      latest: p(`${JOIN} AND v.version = p.version WHERE p.region = @region AND p.key = @key AND ${LIVE}`),
      atVersion: p(`${JOIN} AND v.version = @version WHERE p.region = @region AND p.key = @key AND ${LIVE}`),
      labelVersion: p('SELECT version FROM ssm_labels WHERE region = @region AND key = @key AND label = @label'),
      insertParameter: p(
        'INSERT INTO ssm_parameters (region, key, name, version, expires_at) VALUES (@region, @key, @name, @version, @expires_at)',
      ),
      updateParameter: p('UPDATE ssm_parameters SET version = @version, expires_at = @expires_at WHERE region = @region AND key = @key'),
      insertVersion: p(`INSERT INTO ssm_versions (region, key, version, type, value, sealed, key_id, description, allowed_pattern, tier,
        policies, data_type, modified_at, modified_by) VALUES (@region, @key, @version, @type, @value, @sealed, @key_id, @description,
        @allowed_pattern, @tier, @policies, @data_type, @modified_at, @modified_by)`),
      versionCount: p('SELECT count(*) AS n, min(version) AS oldest FROM ssm_versions WHERE region = @region AND key = @key'),
      deleteVersion: p('DELETE FROM ssm_versions WHERE region = @region AND key = @key AND version = @version'),
      deleteParameter: p('DELETE FROM ssm_parameters WHERE region = @region AND key = @key'),
      countTier: p(`SELECT count(*) AS n FROM ssm_parameters p JOIN ssm_versions v ON v.region = p.region AND v.key = p.key
        AND v.version = p.version WHERE p.region = @region AND v.tier = @tier AND ${LIVE}`),
      history: p(`SELECT * FROM ssm_versions WHERE region = @region AND key = @key AND version > @after ORDER BY version LIMIT @limit`),
      labels: p('SELECT label, version FROM ssm_labels WHERE region = @region AND key = @key ORDER BY label'),
      labelsOf: p('SELECT label FROM ssm_labels WHERE region = @region AND key = @key AND version = @version ORDER BY label'),
      putLabel: p(`INSERT INTO ssm_labels (region, key, label, version) VALUES (@region, @key, @label, @version)
        ON CONFLICT (region, key, label) DO UPDATE SET version = excluded.version`),
      deleteLabel: p('DELETE FROM ssm_labels WHERE region = @region AND key = @key AND label = @label AND version = @version'),
      tags: p('SELECT tag_key AS Key, tag_value AS Value FROM ssm_tags WHERE region = @region AND key = @key ORDER BY tag_key'),
      tagCount: p('SELECT count(*) AS n FROM ssm_tags WHERE region = @region AND key = @key'),
      putTag: p(`INSERT INTO ssm_tags (region, key, tag_key, tag_value) VALUES (@region, @key, @tag_key, @tag_value)
        ON CONFLICT (region, key, tag_key) DO UPDATE SET tag_value = excluded.tag_value`),
      deleteTag: p('DELETE FROM ssm_tags WHERE region = @region AND key = @key AND tag_key = @tag_key'),
      page: p(`${JOIN} AND v.version = p.version WHERE p.region = @region AND p.key > @after AND p.key >= @from AND p.key < @to
        AND ${LIVE} ORDER BY p.key LIMIT @limit`),
      expired: p('SELECT region, key FROM ssm_parameters WHERE expires_at IS NOT NULL AND expires_at <= @now'),
    };
  }

  /** The parameter row, ignoring expired ones. */
  find(region: string, key: string, now: number): ParameterRow | undefined {
    return this.s.find.get({ region, key, now }) as ParameterRow | undefined;
  }

  /** Deletes the parameter if its expiration passed; true when it did (writes call this first). */
  purgeIfExpired(region: string, key: string, now: number): boolean {
    const row = this.s.findAny.get({ region, key }) as ParameterRow | undefined;
    if (row?.expires_at != null && row.expires_at <= now) {
      this.s.deleteParameter.run({ region, key });
      return true;
    }
    return false;
  }

  latest(region: string, key: string, now: number): ParameterVersion | undefined {
    return this.s.latest.get({ region, key, now }) as ParameterVersion | undefined;
  }

  atVersion(region: string, key: string, version: number, now: number): ParameterVersion | undefined {
    return this.s.atVersion.get({ region, key, version, now }) as ParameterVersion | undefined;
  }

  versionOfLabel(region: string, key: string, label: string): number | undefined {
    return (this.s.labelVersion.get({ region, key, label }) as { version: number } | undefined)?.version;
  }

  create(region: string, key: string, name: string, expiresAt: number | null, version: NewVersion): void {
    this.s.insertParameter.run({ region, key, name, version: 1, expires_at: expiresAt });
    this.s.insertVersion.run({ region, key, version: 1, ...version });
  }

  addVersion(region: string, key: string, versionNumber: number, expiresAt: number | null, version: NewVersion): void {
    this.s.insertVersion.run({ region, key, version: versionNumber, ...version });
    this.s.updateParameter.run({ region, key, version: versionNumber, expires_at: expiresAt });
  }

  versionStats(region: string, key: string): { n: number; oldest: number } {
    return this.s.versionCount.get({ region, key }) as { n: number; oldest: number };
  }

  deleteVersion(region: string, key: string, version: number): void {
    this.s.deleteVersion.run({ region, key, version });
  }

  delete(region: string, key: string): void {
    this.s.deleteParameter.run({ region, key });
  }

  countTier(region: string, tier: Tier, now: number): number {
    return (this.s.countTier.get({ region, tier, now }) as { n: number }).n;
  }

  history(region: string, key: string, afterVersion: number, limit: number): VersionRow[] {
    return this.s.history.all({ region, key, after: afterVersion, limit }) as VersionRow[];
  }

  /** label → version for one parameter. */
  labels(region: string, key: string): Map<string, number> {
    const rows = this.s.labels.all({ region, key }) as Array<{ label: string; version: number }>;
    return new Map(rows.map((r) => [r.label, r.version]));
  }

  labelsOf(region: string, key: string, version: number): string[] {
    return (this.s.labelsOf.all({ region, key, version }) as Array<{ label: string }>).map((r) => r.label);
  }

  /** Attaches `label` to `version`, moving it off any other version of the parameter. */
  putLabel(region: string, key: string, label: string, version: number): void {
    this.s.putLabel.run({ region, key, label, version });
  }

  removeLabel(region: string, key: string, label: string, version: number): boolean {
    return this.s.deleteLabel.run({ region, key, label, version }).changes > 0;
  }

  tags(region: string, key: string): Array<{ Key: string; Value: string }> {
    return this.s.tags.all({ region, key }) as Array<{ Key: string; Value: string }>;
  }

  tagCount(region: string, key: string): number {
    return (this.s.tagCount.get({ region, key }) as { n: number }).n;
  }

  putTag(region: string, key: string, tagKey: string, tagValue: string): void {
    this.s.putTag.run({ region, key, tag_key: tagKey, tag_value: tagValue });
  }

  deleteTag(region: string, key: string, tagKey: string): void {
    this.s.deleteTag.run({ region, key, tag_key: tagKey });
  }

  /**
   * Latest versions of live parameters with keys in [from, to) after `after`,
   * in key order: the unit that listing operations page through.
   */
  page(region: string, range: { from: string; to: string }, after: string, limit: number, now: number): ParameterVersion[] {
    return this.s.page.all({ region, from: range.from, to: range.to, after, limit, now }) as ParameterVersion[];
  }

  expired(now: number): Array<{ region: string; key: string }> {
    return this.s.expired.all({ now }) as Array<{ region: string; key: string }>;
  }
}

const stores = new WeakMap<Db, ParameterStore>();

export function storeFor(db: Db): ParameterStore {
  let store = stores.get(db);
  if (!store) {
    store = new ParameterStore(db);
    stores.set(db, store);
  }
  return store;
}
