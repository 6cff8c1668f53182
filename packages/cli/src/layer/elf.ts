/**
 * Static checks on a Linux executable, so a standalone layer can be verified
 * for an architecture this machine cannot run: ELF class and machine, and —
 * for a Node single-executable application — that the SEA fuse is flipped and
 * the NODE_SEA_BLOB note (where postject puts the blob) is there.
 */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_RESOURCE = 'NODE_SEA_BLOB';

const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const PT_NOTE = 4;

export interface ElfInfo {
  /** 'x86_64', 'arm64', or 'machine <n>' for anything else. */
  machine: string;
  is64Bit: boolean;
  littleEndian: boolean;
  /** `true` once the SEA fuse reads ':1' (a blob was injected), `false` for ':0', `undefined` when there is no fuse. */
  seaFuseSet?: boolean;
  /** Contents of the NODE_SEA_BLOB note, if present. */
  seaBlob?: Buffer;
}

export class ElfError extends Error {
  readonly code = 'ElfError';
}

export function inspectElf(file: Buffer): ElfInfo {
  if (file.length < 64 || file.readUInt32BE(0) !== 0x7f454c46) throw new ElfError('not an ELF file');
  const is64Bit = file[4] === 2;
  const littleEndian = file[5] === 1;
  if (!is64Bit || !littleEndian) return { machine: `class ${file[4]} data ${file[5]}`, is64Bit, littleEndian };
  const e = file.readUInt16LE(18);
  const machine = e === EM_X86_64 ? 'x86_64' : e === EM_AARCH64 ? 'arm64' : `machine ${e}`;

  const fuseAt = file.indexOf(`${SEA_FUSE}:`);
  const seaFuseSet = fuseAt < 0 ? undefined : file[fuseAt + SEA_FUSE.length + 1] === 0x31;

  let seaBlob: Buffer | undefined;
  const phoff = Number(file.readBigUInt64LE(32));
  const phentsize = file.readUInt16LE(54);
  const phnum = file.readUInt16LE(56);
  for (let i = 0; i < phnum && !seaBlob; i++) {
    const ph = phoff + i * phentsize;
    if (file.readUInt32LE(ph) !== PT_NOTE) continue;
    const start = Number(file.readBigUInt64LE(ph + 8));
    const end = start + Number(file.readBigUInt64LE(ph + 32));
    let at = start;
    while (at + 12 <= end) {
      const nameSize = file.readUInt32LE(at);
      const descSize = file.readUInt32LE(at + 4);
      const nameAt = at + 12;
      const descAt = nameAt + align4(nameSize);
      const name = file.toString('latin1', nameAt, nameAt + nameSize).replace(/\0+$/, '');
      if (name === SEA_RESOURCE) {
        seaBlob = file.subarray(descAt, descAt + descSize);
        break;
      }
      at = descAt + align4(descSize);
    }
  }
  return { machine, is64Bit, littleEndian, seaFuseSet, seaBlob };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
