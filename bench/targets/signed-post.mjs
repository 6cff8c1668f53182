// Load target for the extension's miss-path benchmark, loaded by the load
// worker in its own process: what a function that calls the upstream directly
// does for each read, with the same pieces the extension uses: a fresh SigV4
// signature from @smithy/signature-v4, then one POST over a keep-alive agent,
// read to the end (like the plain HTTP targets, the body is not parsed).
import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export function setup({ url, service, target, body }) {
  const u = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const signer = new SignatureV4({
    service,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  return async () => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path: '/',
      query: {},
      headers: {
        host: u.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    await new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: '/', method: 'POST', headers: signed.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}
