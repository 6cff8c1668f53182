/** The extension's HTTP server limits (README: "Server limits"), against a real process. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type ExtensionProcess, startExtension } from '../../../test-support/extension.ts';
import { unfinishedHeaders } from '../../../test-support/raw-http.ts';

describe('extension server limits', () => {
  let ext: ExtensionProcess | undefined;
  after(async () => {
    await ext?.stop();
  });

  it('a client that never finishes its headers is answered 408 and disconnected within the 10 s headers timeout', async () => {
    // No request reaches the upstream, so it need not exist.
    ext = await startExtension({ upstreamUrl: 'http://127.0.0.1:9' });
    const { answer, elapsedMs } = await unfinishedHeaders(ext.url, 25_000);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(elapsedMs >= 9_000 && elapsedMs < 20_000, `closed after ${elapsedMs} ms`);
  });
});
