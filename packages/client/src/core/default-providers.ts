/**
 * The lazily created providers behind the high-level functions (`getSecret`, `getParameter`, ...). Each
 * entry point (SDK mode, extension mode) owns one registry, so the two modes never share a cache.
 */
export class DefaultProviders<Secrets extends { clearCache(): void }, Ssm extends { clearCache(): void }> {
  private secretsProvider?: Secrets;
  private ssmProvider?: Ssm;

  constructor(
    private readonly createSecrets: () => Secrets,
    private readonly createSsm: () => Ssm,
  ) {}

  get secrets(): Secrets {
    this.secretsProvider ??= this.createSecrets();
    return this.secretsProvider;
  }

  get ssm(): Ssm {
    this.ssmProvider ??= this.createSsm();
    return this.ssmProvider;
  }

  /** Empties the cache of every default provider created so far. */
  clearCaches(): void {
    this.secretsProvider?.clearCache();
    this.ssmProvider?.clearCache();
  }
}
