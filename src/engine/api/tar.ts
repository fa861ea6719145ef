/**
 * The tar streams `GET /containers/{id}/export` and `/archive` send, and the ones `PUT /archive`
 * takes: POSIX ustar, 512-byte headers, contents padded to 512, two zero blocks at the end.
 */

export interface TarEntry {
  /** Path inside the archive, without a leading slash; directories end with `/`. */
  name: string;
  /** File contents; directories have none. */
  content?: Buffer;
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const dir = e.name.endsWith('/');
  let name = e.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar splits a long path at a slash: up to 155 bytes of prefix, 100 of name.
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  h.write(name, 0, 100);
  h.write(octal(e.mode & 0o7777, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(dir ? 0 : (e.content?.length ?? 0), 12), 124);
  h.write(octal(e.mtime, 12), 136);
  h.write('        ', 148);
  h.write(dir ? '5' : '0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** The archive of `entries`, in the order given. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.content && !e.name.endsWith('/')) {
      parts.push(e.content);
      const pad = (BLOCK - (e.content.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** The regular files and directories in `tar` (other kinds are skipped); null when it is not a tar. */
export function readTar(tar: Buffer): TarEntry[] | null {
  const out: TarEntry[] = [];
  let pos = 0;
  while (pos + BLOCK <= tar.length) {
    const h = tar.subarray(pos, pos + BLOCK);
    if (h.every((b) => b === 0)) return out;
    const str = (off: number, len: number) => {
      const s = h.subarray(off, off + len).toString('utf8');
      const nul = s.indexOf('\0');
      return nul < 0 ? s : s.slice(0, nul);
    };
    const size = Number.parseInt(str(124, 12).trim() || '0', 8);
    if (Number.isNaN(size)) return null;
    const prefix = h.subarray(257, 262).toString() === 'ustar' ? str(345, 155) : '';
    const name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
    const type = str(156, 1) || '0';
    const mode = Number.parseInt(str(100, 8).trim() || '644', 8);
    const mtime = Number.parseInt(str(136, 12).trim() || '0', 8);
    const start = pos + BLOCK;
    if (type === '0' || type === '7') {
      out.push({ name, content: Buffer.from(tar.subarray(start, start + size)), mode, mtime });
    } else if (type === '5') {
      out.push({ name: name.endsWith('/') ? name : `${name}/`, mode, mtime });
    }
    pos = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out.length ? out : null;
}
