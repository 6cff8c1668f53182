export async function run(_argv: string[]): Promise<void> {
  throw new Error('parasol extension is not built yet');
}
