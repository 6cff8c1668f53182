/**
 * A deterministic zip writer: same entries in, same bytes out.
 *
 * Lambda unpacks a layer into /opt and then execs every file in
 * /opt/extensions, so two things matter beyond plain zip: entries carry Unix
 * modes (external attributes, "version made by" = Unix) so the executable bit
 * survives, and nothing varies between builds — entries are sorted, every
 * timestamp is the DOS epoch, no extra fields, no comments.
 */
import * as zlib from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, '/'-separated, no leading '/'. Directories end in '/'. */
  path: string;
  /** File contents; omitted for directories. */
  data?: Buffer;
  /** Unix permission bits, e.g. 0o755. Defaults: 0o644 files, 0o755 directories. */
  mode?: number;
  /** Deflate level 0-9 for this entry (default: the archive's). */
  level?: number;
}

export class ZipError extends Error {
  readonly code = 'ZipError';
}

/** 1980-01-01 00:00:00, the earliest DOS timestamp: fixed so that builds are reproducible. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const VERSION_NEEDED = 20; // 2.0: deflate, directories
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED; // 3 = Unix: readers honour the mode bits
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const MSDOS_DIRECTORY = 0x10;
const MAX_32 = 0xffffffff;

const crc32: (data: Buffer) => number =
  typeof (zlib as { crc32?: (d: Buffer) => number }).crc32 === 'function'
    ? (data) => (zlib as unknown as { crc32: (d: Buffer) => number }).crc32(data)
    : tableCrc32;

let crcTable: Uint32Array | undefined;
function tableCrc32(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checkPath(path: string): void {
  if (
    !path ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.split('/').some((part, i, all) => part === '..' || part === '.' || (part === '' && i !== all.length - 1))
  ) {
    throw new ZipError(`invalid zip entry path '${path}'`);
  }
}

/** Builds a zip archive in memory. Deflates each file (level 9) unless storing it is smaller. */
export function writeZip(entries: ZipEntry[], level = 9): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    checkPath(entry.path);
    if (seen.has(entry.path)) throw new ZipError(`duplicate zip entry '${entry.path}'`);
    seen.add(entry.path);
    const isDir = entry.path.endsWith('/');
    if (isDir && entry.data) throw new ZipError(`directory entry '${entry.path}' cannot have data`);
    const raw = isDir ? Buffer.alloc(0) : (entry.data ?? Buffer.alloc(0));
    const deflated = raw.length > 0 ? zlib.deflateRawSync(raw, { level: entry.level ?? level }) : raw;
    const method = deflated.length < raw.length ? 8 : 0;
    const body = method === 8 ? deflated : raw;
    if (raw.length >= MAX_32 || body.length >= MAX_32 || offset >= MAX_32)
      throw new ZipError('zip64 is not supported (entry or archive over 4 GiB)');
    const crc = raw.length > 0 ? crc32(raw) : 0;
    const name = Buffer.from(entry.path, 'utf8');
    const mode = (entry.mode ?? (isDir ? 0o755 : 0o644)) & 0o7777;
    const external = ((((isDir ? S_IFDIR : S_IFREG) | mode) << 16) | (isDir ? MSDOS_DIRECTORY : 0)) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(0, 6); // flags: no data descriptor
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field: extra fields carry timestamps/uids
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(external, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  if (sorted.length > 0xffff) throw new ZipError('too many zip entries');
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}

export interface ReadZipEntry {
  path: string;
  mode: number;
  isDirectory: boolean;
  data: Buffer;
}

/**
 * Reads a zip written by {@link writeZip} (or any plain zip without zip64 or
 * encryption), checking every CRC. Used to unpack layers in tests and to
 * verify a build.
 */
export function readZip(zip: Buffer): ReadZipEntry[] {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + 22 > zip.length) throw new ZipError('not a zip: end of central directory not found');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const out: ReadZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new ZipError(`bad central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const external = zip.readUInt32LE(at + 38);
    const localAt = zip.readUInt32LE(at + 42);
    const path = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (zip.readUInt32LE(localAt) !== 0x04034b50) throw new ZipError(`bad local header for '${path}'`);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const body = zip.subarray(dataAt, dataAt + compressedSize);
    const data = method === 0 ? Buffer.from(body) : method === 8 ? zlib.inflateRawSync(body) : undefined;
    if (!data) throw new ZipError(`'${path}': unsupported compression method ${method}`);
    if (data.length !== size || (size > 0 && crc32(data) !== crc)) throw new ZipError(`'${path}': size or CRC mismatch`);
    const unixMode = external >>> 16;
    out.push({ path, mode: unixMode & 0o7777, isDirectory: path.endsWith('/') || (unixMode & 0o170000) === S_IFDIR, data });
  }
  return out;
}
