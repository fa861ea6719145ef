/**
 * The sandbox host's `od` (busybox's GNU-compatible one): `-A` offset radix (`n` for none), `-c`
 * characters, `-b` octal bytes, `-x` hex words; octal words by default. 16 bytes a line, a
 * repeated line shown once then `*`, the final offset on a line of its own.
 */
import { type HostProgram, registerHostProgram } from './registry.ts';

const ESCAPES: Record<number, string> = {
  0: '\\0',
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
};

function bytesOf(text: string): Buffer {
  // Pipes carry bytes as characters below 256; anything else is UTF-8 text.
  return /^[\u0000-\u00ff]*$/.test(text) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

export const od: HostProgram = (_e, argv, term, io) => {
  let radix = 'o';
  let format: 'c' | 'b' | 'x' | 'o' = 'o';
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      term.eprintln(`od: ${a}: No such file or directory`);
      return 1;
    }
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      if (ch === 'A') {
        const v = a.slice(j + 1) || args[++i] || '';
        if (!['n', 'o', 'd', 'x'].includes(v)) {
          term.eprintln(`od: bad output address radix '${v}' (must be one of [doxn])`);
          return 1;
        }
        radix = v;
        break;
      }
      if (ch === 'c' || ch === 'b' || ch === 'x' || ch === 'o') format = ch;
      else {
        term.eprintln(`od: invalid option -- '${ch}'`);
        return 1;
      }
    }
  }
  const data = bytesOf(io.stdin);
  const offset = (n: number) =>
    radix === 'n' ? '' : n.toString(radix === 'o' ? 8 : radix === 'd' ? 10 : 16).padStart(7, '0');
  const cell = (chunk: Buffer): string => {
    let out = '';
    if (format === 'c' || format === 'b') {
      for (const b of chunk) {
        if (format === 'b') out += ` ${b.toString(8).padStart(3, '0')}`;
        else if (ESCAPES[b] !== undefined) out += ESCAPES[b]!.padStart(4, ' ');
        else if (b >= 32 && b < 127) out += `   ${String.fromCharCode(b)}`;
        else out += ` ${b.toString(8).padStart(3, '0')}`;
      }
      return out;
    }
    for (let i = 0; i < chunk.length; i += 2) {
      const w = chunk[i]! | ((chunk[i + 1] ?? 0) << 8);
      out += format === 'x' ? ` ${w.toString(16).padStart(4, '0')}` : ` ${w.toString(8).padStart(6, '0')}`;
    }
    return out;
  };
  let prev: string | null = null;
  let starred = false;
  for (let pos = 0; pos < data.length; pos += 16) {
    const chunk = data.subarray(pos, pos + 16);
    const body = cell(chunk);
    if (chunk.length === 16 && body === prev) {
      if (!starred) term.println('*');
      starred = true;
      continue;
    }
    starred = false;
    prev = body;
    term.println(`${offset(pos)}${body}`);
  }
  if (radix !== 'n') term.println(offset(data.length));
  return 0;
};

registerHostProgram('od', od);
