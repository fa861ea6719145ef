/**
 * The sandbox host's `tar` (busybox 1.35): list (`-t`, `-v`) and extract (`-x`, to stdout with
 * `-O`, into `-C DIR`) ustar archives from a file (`-f`) or stdin, such as `docker save` and
 * `docker export` write. Binary data travels as latin1 strings between programs and in files.
 */
import { readTar, type TarEntry } from '../api/tar.ts';
import { resolvePath } from '../compose/host-files.ts';
import { hostFiles } from './host-fs.ts';
import { registerHostProgram } from './registry.ts';

/** Bytes of a string another program wrote: latin1 when it holds bytes only, else its UTF-8. */
function bytesOf(text: string): Buffer {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 255) return Buffer.from(text, 'utf8');
  return Buffer.from(text, 'latin1');
}

/** The string a program or file holds for `buf`: its text when it is UTF-8, else its bytes (latin1). */
function textOf(buf: Buffer): string {
  const text = buf.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buf) ? text : buf.toString('latin1');
}

const MODE_CHARS = 'rwxrwxrwx';

function modeString(e: TarEntry): string {
  const dir = e.name.endsWith('/');
  let s = dir ? 'd' : '-';
  for (let i = 0; i < 9; i++) s += e.mode & (1 << (8 - i)) ? MODE_CHARS[i] : '-';
  return s;
}

/** busybox's verbose line: mode, owner/group, size, local (UTC) time, name. */
function verboseLine(e: TarEntry): string {
  const size = e.name.endsWith('/') ? 0 : (e.content?.length ?? 0);
  const when = new Date(e.mtime * 1000).toISOString().replace('T', ' ').slice(0, 19);
  return `${modeString(e)} 0/0 ${String(size).padStart(9)} ${when} ${e.name}`;
}

registerHostProgram('tar', (engine, argv, term, io) => {
  const args = argv.slice(1);
  if (args[0] === '--version') {
    term.println('tar (busybox) 1.35.0');
    return 0;
  }
  // busybox takes a first word without a dash as bundled options (`tar tf x.tar`).
  if (args[0] && !args[0].startsWith('-')) args[0] = `-${args[0]}`;
  let mode = '';
  let verbose = false;
  let toStdout = false;
  let file = '-';
  let dir = io.cwd;
  const members: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      members.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (c === 't' || c === 'x' || c === 'c') mode = c;
      else if (c === 'v') verbose = true;
      else if (c === 'O') toStdout = true;
      else if (c === 'f' || c === 'C') {
        const value = a.slice(j + 1) || args[++i] || '';
        if (c === 'f') file = value;
        else dir = resolvePath(io.cwd, value);
        break;
      } else if (c !== 'p' && c !== 'o') {
        term.eprintln(`tar: invalid option -- '${c}'`);
        return 1;
      }
    }
  }
  if (mode === 'c') {
    term.eprintln('tar: creating archives is not available in this sandbox');
    return 1;
  }
  if (mode === '') {
    term.eprintln('tar: need at least one of -t, -x or -c');
    return 1;
  }
  const files = hostFiles(engine);
  let data: Buffer;
  if (file === '-') data = bytesOf(io.stdin);
  else {
    const text = files.read(resolvePath(io.cwd, file));
    if (text === null) {
      term.eprintln(`tar: can't open '${file}': No such file or directory`);
      return 1;
    }
    data = bytesOf(text);
  }
  if (data.length === 0) return 0;
  const entries = data.length < 512 ? null : readTar(data);
  if (entries === null) {
    term.eprintln(data.length < 512 ? 'tar: short read' : 'tar: invalid tar magic');
    return 1;
  }
  const wanted = (e: TarEntry) =>
    members.length === 0 ||
    members.some((m) => e.name === m || e.name === `${m}/` || e.name.startsWith(`${m.replace(/\/$/, '')}/`));
  for (const e of entries) {
    if (!wanted(e)) continue;
    if (mode === 't') term.println(verbose ? verboseLine(e) : e.name);
    else if (toStdout) {
      if (e.content && !e.name.endsWith('/')) term.out(textOf(e.content));
    } else {
      if (verbose) term.println(e.name);
      const path = resolvePath(dir, e.name);
      if (!e.name.endsWith('/')) files.write(path, textOf(e.content ?? Buffer.alloc(0)));
    }
  }
  for (const m of members) {
    if (!entries.some((e) => e.name === m || e.name.startsWith(`${m.replace(/\/$/, '')}/`))) {
      term.eprintln(`tar: ${m}: not found in archive`);
      return 1;
    }
  }
  return 0;
});
