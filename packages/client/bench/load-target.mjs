// Load target for bench/suites/client.mjs (a `runLoad` 'module' target, run in the load process):
// one getSecret call per once(), through the BUILT @parasol/client (SDK or extension mode) or Powertools.
//   options: { mode: 'sdk' | 'extension' | 'powertools', cached: boolean, secretId, endpoint, token? }
export async function setup({ mode, cached, secretId, endpoint, token }) {
  const get = { maxAge: 300, ...(cached ? {} : { forceFetch: true }) };
  if (mode === 'extension') {
    const { SecretsProvider } = await import('@parasol/client/extension');
    const provider = new SecretsProvider({ endpoint, token });
    await provider.get(secretId, get);
    return () => provider.get(secretId, get);
  }
  const clientConfig = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const { SecretsProvider } =
    mode === 'powertools' ? await import('@aws-lambda-powertools/parameters/secrets') : await import('@parasol/client');
  const provider = new SecretsProvider({ clientConfig });
  await provider.get(secretId, get);
  return () => provider.get(secretId, get);
}
