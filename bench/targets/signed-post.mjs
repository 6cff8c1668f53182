// Load target for the extension's miss-path benchmark, loaded by the load
// worker in its own process: what a function that calls the upstream directly
// does for each read: a fresh SigV4 signature from @smithy/signature-v4 (the
// signer the extension uses), then one POST over a keep-alive agent, read to
// the end (like the plain HTTP targets, the body is not parsed).
import http from 'node:http';
import { benchSigner, jsonRequest } from '../lib/parasol.mjs';

export function setup({ url, service, operation, body }) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const signer = benchSigner(service);
  return async () => {
    const signed = await signer.sign(jsonRequest(url, service, operation, body));
    await new Promise((resolve, reject) => {
      const req = http.request({ host: hostname, port, path: '/', method: 'POST', headers: signed.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}
