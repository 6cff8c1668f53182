// The baseline every throughput figure is compared with: a bare node:http
// server answering a fixed body, started in its own process in the same run.
import { spawn } from 'node:child_process';

const SERVER = `
const http = require('node:http');
const body = Buffer.from(process.env.BODY ?? '{}');
const type = process.env.CONTENT_TYPE ?? 'application/json';
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': type, 'content-length': body.length }); res.end(body); });
}).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });
`;

/** Starts the baseline server; resolves { url, stop() }. `body` is the exact bytes to send. */
export function startBaseline({ body = '{}', contentType = 'application/json' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SERVER], {
      env: { ...process.env, BODY: body, CONTENT_TYPE: contentType },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', (d) => {
      const m = String(d).match(/listening on (\S+)/);
      if (!m) return reject(new Error(`baseline did not start: ${d}`));
      resolve({ url: m[1], pid: child.pid, stop: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`baseline exited ${code}`)));
  });
}
