/** Imports an optional peer dependency, turning "not installed" into an error that says what to install. */
export async function loadOptionalPeer<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      const missing = new Error(
        `SDK mode needs ${name}: run \`npm install ${name}\`, or use @parasol/client/extension to read through the Parameters and Secrets extension without the SDK`,
        { cause: error },
      );
      (missing as { code?: string }).code = 'MissingDependency';
      throw missing;
    }
    throw error;
  }
}
