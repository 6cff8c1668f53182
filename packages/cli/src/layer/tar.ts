/**
 * Just enough of tar to take one file out of an npm package tarball (.tgz):
 * ustar headers, GNU long names ('L') and pax extended headers ('x') for paths.
 */
import { gunzipSync } from 'node:zlib';

export class TarError extends Error {
  readonly code = 'TarError';
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.toString('utf8', 0, nul < 0 ? raw.length : nul);
}

function octal(header: Buffer, start: number, length: number): number {
  const text = field(header, start, length).trim();
  return text ? Number.parseInt(text, 8) : 0;
}

/** Returns the contents of `wanted` (e.g. 'package/bin/node') from a gzip'd tar, or throws. */
export function extractFromTarGz(tgz: Buffer, wanted: string): Buffer {
  const tar = gunzipSync(tgz);
  let at = 0;
  let longName: string | undefined;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const dataAt = at + 512;
    const data = tar.subarray(dataAt, dataAt + size);
    at = dataAt + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      longName = path?.[1];
      continue;
    }
    longName = undefined;
    if ((type === '0' || type === '\0') && name === wanted) return Buffer.from(data);
  }
  throw new TarError(`'${wanted}' not found in the tarball`);
}
