export async function run(_argv: string[]): Promise<void> {
  throw new Error('parasol layer is not built yet');
}
