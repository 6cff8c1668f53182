export async function run(_argv: string[]): Promise<void> {
  throw new Error('parasol dev is not built yet');
}
