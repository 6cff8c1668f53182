/**
 * Test support: one HTTP request with exactly the headers given (Host
 * included, which fetch would not let a test choose), answered as status and
 * parsed JSON; and a client that never finishes its headers.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  body: Record<string, unknown>;
}

export function rawRequest(
  baseUrl: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            body = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Opens a connection and sends a request whose headers never end; resolves with
 * what the server wrote before closing it and after how long. Rejects when the
 * connection is still open after `giveUpMs` (no headers timeout).
 */
export function unfinishedHeaders(baseUrl: string, giveUpMs: number): Promise<{ answer: string; elapsedMs: number }> {
  const u = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: '));
    let answer = '';
    socket.on('data', (c: Buffer) => {
      answer += c.toString();
    });
    socket.on('close', () => resolve({ answer, elapsedMs: Date.now() - started }));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${giveUpMs} ms: no headers timeout`));
    }, giveUpMs).unref();
  });
}
