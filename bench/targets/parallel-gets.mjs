// Load target for the extension's batch benchmark, loaded by the load worker in
// its own process: N single GETs sent at once over a keep-alive agent (what a
// function without the batch route does to read N secrets), each read to the end.
import http from 'node:http';

export function setup({ urls, headers }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: urls.length });
  const one = (url) =>
    new Promise((resolve, reject) => {
      http
        .get(url, { headers, agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        })
        .on('error', reject);
    });
  return async () => {
    await Promise.all(urls.map(one));
  };
}
