/** `parasol dev --allow-host` reaches its local service (`serve --allow-host`: packages/local/test/hardening.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLI_SOURCE, spawnTs } from '../../../test-support/processes.ts';
import { rawRequest } from '../../../test-support/raw-http.ts';
import { signRequest } from '../../../test-support/sigv4.ts';

/** A correctly signed ListSecrets sent with the given Host header. */
const listWithHost = (url: string, host: string) => {
  const headers = signRequest({
    headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
    body: '{}',
    service: 'secretsmanager',
  });
  return rawRequest(url, { headers, body: '{}' });
};

describe('parasol dev --allow-host', () => {
  it('the local service answers the allowed name and still refuses others', async () => {
    const dev = await spawnTs(CLI_SOURCE, ['dev', '--in-memory', '--port', '0', '--serve-port', '0', '--allow-host', 'parasol.compose'], {
      readyPattern: /Parameter Store on (http:\/\/[^\s"]+)[\s\S]*Ctrl-C stops both/,
    });
    try {
      const url = dev.match[1];
      assert.equal((await listWithHost(url, 'parasol.compose')).status, 200);
      const refused = await listWithHost(url, 'other.compose');
      assert.equal(refused.status, 403);
      assert.equal(refused.body.__type, 'HostNotAllowed');
      assert.match(String(refused.body.message), /--allow-host other\.compose/);
    } finally {
      await dev.stop();
    }
  });
});
