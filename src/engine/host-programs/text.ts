/**
 * Busybox text applets on the sandbox host, for the pipes students write after docker commands
 * (`| grep bridge`, `| wc -l`, `| head -n 2`, `| awk '{print $1}'`, `| xargs docker rm -f`):
 * echo, printf, cat, grep, head, tail, wc, sort, uniq, cut, tr, sed, awk, tee, xargs, true,
 * false. Options and messages follow busybox 1.35; unusual options are refused with its texts.
 */

import { POSIX_CLASSES } from '../../shell/pattern.ts';
import type { Terminal } from '../cli/terminal.ts';
import type { Engine } from '../engine.ts';
import { hostFiles } from './host-fs.ts';
import { type HostIo, type HostProgram, registerHostProgram } from './registry.ts';

const lines = (text: string): string[] => {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
};
const joinLines = (ls: string[]) => ls.map((l) => `${l}\n`).join('');

/**
 * A POSIX bracket expression starting at `re[start]` (`[`) as a JavaScript class, and the index
 * of its closing `]`; null when it never closes. A `]` first (after an optional `^`) is literal,
 * backslashes are literal, and `[:class:]` names a class.
 */
function posixBracket(re: string, start: number): { js: string; end: number } | null {
  let i = start + 1;
  let js = '[';
  if (re[i] === '^') {
    js += '^';
    i++;
  }
  let first = true;
  for (; i < re.length; i++) {
    const c = re[i]!;
    if (c === ']' && !first) return { js: `${js}]`, end: i };
    first = false;
    if (c === '[' && (re[i + 1] === ':' || re[i + 1] === '.' || re[i + 1] === '=')) {
      const kind = re[i + 1]!;
      const close = re.indexOf(`${kind}]`, i + 2);
      if (close >= 0) {
        const name = re.slice(i + 2, close);
        if (kind === ':') js += POSIX_CLASSES[name] ?? '';
        else js += name.replace(/[\\\][^-]/g, '\\$&');
        i = close + 1;
        continue;
      }
    }
    js += c === '\\' || c === ']' || c === '[' || c === '^' ? `\\${c}` : c;
  }
  return null;
}

/** A POSIX basic (or extended) regular expression as a JavaScript one. */
export function posixRegex(re: string, extended: boolean, flags = ''): RegExp {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '[') {
      const bracket = posixBracket(re, i);
      if (bracket === null) {
        out += '\\[';
        continue;
      }
      out += bracket.js;
      i = bracket.end;
      continue;
    }
    if (c === '\\' && i + 1 < re.length) {
      const n = re[i + 1]!;
      i++;
      if (!extended && '(){}|+?'.includes(n)) out += n;
      else if (/[0-9]/.test(n)) out += `\\${n}`;
      else if (n === '<' || n === '>') out += '\\b';
      else if ('wWsSb'.includes(n)) out += `\\${n}`;
      else out += n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) {
      out += `\\${c}`;
      continue;
    }
    if (c === '*' && (out === '' || out === '^')) {
      out += '\\*';
      continue;
    }
    out += c === '/' ? '\\/' : c;
  }
  return new RegExp(out, flags);
}

/** Reads the named files, or stdin without names or for `-`. */
function inputs(
  engine: Engine,
  prog: string,
  files: string[],
  io: HostIo,
  term: Terminal,
): { text: string; ok: boolean } {
  if (!files.length) return { text: io.stdin, ok: true };
  let text = '';
  let ok = true;
  for (const f of files) {
    if (f === '-') {
      text += io.stdin;
      continue;
    }
    const path = f.startsWith('/') ? f : `${io.cwd === '/' ? '' : io.cwd}/${f}`;
    const fs = hostFiles(engine);
    if (fs.isDir(path)) {
      term.eprintln(`${prog}: read error: Is a directory`);
      ok = false;
      continue;
    }
    const content = fs.read(path);
    if (content === null) {
      term.eprintln(`${prog}: can't open '${f}': No such file or directory`);
      ok = false;
      continue;
    }
    text += content;
  }
  return { text, ok };
}

/** Splits `-abc` style options; `withValue` options take the rest or the next word. */
function getopt(
  args: string[],
  withValue: string,
  prog: string,
  term: Terminal,
  allowed: string,
): { opts: Map<string, string[]>; rest: string[] } | null {
  const opts = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-' || /^-\d+$/.test(a)) {
      rest.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (!allowed.includes(c) && !withValue.includes(c)) {
        term.eprintln(`${prog}: unrecognized option: ${c}`);
        term.eprintln(`BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.`);
        return null;
      }
      if (withValue.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) {
          term.eprintln(`${prog}: option requires an argument: ${c}`);
          return null;
        }
        opts.set(c, [...(opts.get(c) ?? []), v]);
        break;
      }
      opts.set(c, [...(opts.get(c) ?? []), '']);
    }
  }
  return { opts, rest };
}

const echo: HostProgram = (_e, argv, term) => {
  let args = argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes('n')) newline = false;
    if (args[0].includes('e')) escapes = true;
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\');
  term.out(text + (newline ? '\n' : ''));
  return 0;
};

const printf: HostProgram = (_e, argv, term) => {
  const fmt = argv[1];
  if (fmt === undefined) {
    term.eprintln('printf: usage: printf FORMAT [ARGUMENT...]');
    return 1;
  }
  const args = argv.slice(2);
  let i = 0;
  // Escapes belong to the format only: an argument's backslashes are printed as they are.
  const once = () =>
    fmt.replace(/%(-?\d*)([sdc%])|\\(0[0-7]{0,3}|[0-7]{1,3}|.)/gs, (_m, width, conv, esc) => {
      if (esc !== undefined) {
        if (/^[0-7]/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8));
        return TR_ESCAPES[esc] ?? (esc === '"' ? '"' : `\\${esc}`);
      }
      if (conv === '%') return '%';
      let v = args[i++] ?? '';
      if (conv === 'd') v = String(Number.parseInt(v, 10) || 0);
      if (conv === 'c') v = v.slice(0, 1);
      const w = Number(String(width).replace('-', '')) || 0;
      return String(width).startsWith('-') ? v.padEnd(w) : v.padStart(w);
    });
  let out = once();
  while (i > 0 && i < args.length) out += once();
  term.out(out);
  return 0;
};

const cat: HostProgram = (engine, argv, term, io) => {
  const files = argv.slice(1).filter((a) => a !== '-u');
  const r = inputs(engine, 'cat', files, io, term);
  term.out(r.text);
  return r.ok ? 0 : 1;
};

const grep: HostProgram = (engine, argv, term, io) => {
  const prog = argv[0]!;
  const g = getopt(argv.slice(1), 'em', prog, term, 'icvnqEFwxoslhHr');
  if (!g) return 2;
  const { opts, rest } = g;
  const patterns = opts.get('e') ?? [];
  if (!patterns.length) {
    const p = rest.shift();
    if (p === undefined) {
      term.eprintln(
        `BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...`,
      );
      return 2;
    }
    patterns.push(...p.split('\n'));
  }
  const extended = opts.has('E') || prog === 'egrep';
  const fixed = opts.has('F') || prog === 'fgrep';
  const flags = opts.has('i') ? 'i' : '';
  const res = patterns.map((p) => {
    let src = fixed ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : posixRegex(p, extended).source;
    if (opts.has('w')) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
    if (opts.has('x')) src = `^(?:${src})$`;
    return new RegExp(src, `${flags}g`);
  });
  const files = rest.length ? rest : [];
  const named = files.length > 1 ? !opts.has('h') : opts.has('H');
  let matched = 0;
  let ok = true;
  const max = opts.has('m') ? Number(opts.get('m')!.at(-1)) : Number.POSITIVE_INFINITY;
  for (const file of files.length ? files : ['-']) {
    const r = inputs(engine, 'grep', file === '-' && !files.length ? [] : [file], io, term);
    if (!r.ok) {
      ok = false;
      continue;
    }
    let count = 0;
    const shown = file === '-' ? '(standard input)' : file;
    lines(r.text).forEach((line, n) => {
      if (count >= max) return;
      const hit = res.some((re) => {
        re.lastIndex = 0;
        return re.test(line);
      });
      if (hit === opts.has('v')) return;
      count++;
      if (opts.has('q') || opts.has('c') || opts.has('l')) return;
      const prefix = (named ? `${shown}:` : '') + (opts.has('n') ? `${n + 1}:` : '');
      if (opts.has('o') && !opts.has('v')) {
        for (const re of res) {
          re.lastIndex = 0;
          for (const m of line.matchAll(re)) if (m[0]) term.out(`${prefix}${m[0]}\n`);
        }
      } else term.out(`${prefix}${line}\n`);
    });
    if (opts.has('c')) term.out(`${named ? `${shown}:` : ''}${count}\n`);
    if (opts.has('l') && count) term.out(`${shown}\n`);
    matched += count;
    if (opts.has('q') && matched) return 0;
  }
  if (!ok && !opts.has('s')) return 2;
  return matched ? 0 : 1;
};

/** `-n N`, `-N`, `-c N` for head and tail. */
function headTail(which: 'head' | 'tail'): HostProgram {
  return (engine, argv, term, io) => {
    const args = argv.slice(1).map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
    const g = getopt(args, 'nc', which, term, 'qvf');
    if (!g) return 1;
    const nText = g.opts.get('n')?.at(-1) ?? '10';
    const cText = g.opts.get('c')?.at(-1);
    const r = inputs(engine, which, g.rest, io, term);
    if (cText !== undefined) {
      const c = Number(cText);
      term.out(which === 'head' ? r.text.slice(0, c) : r.text.slice(Math.max(0, r.text.length - c)));
      return r.ok ? 0 : 1;
    }
    if (!/^[+-]?\d+$/.test(nText)) {
      term.eprintln(`${which}: invalid number '${nText}'`);
      return 1;
    }
    const ls = lines(r.text);
    const n = Number(nText);
    let picked: string[];
    if (which === 'head') picked = n >= 0 ? ls.slice(0, n) : ls.slice(0, Math.max(0, ls.length + n));
    else if (nText.startsWith('+')) picked = ls.slice(Math.max(0, n - 1));
    else picked = n === 0 ? [] : ls.slice(-Math.abs(n));
    const unterminated = r.text !== '' && !r.text.endsWith('\n');
    let out = joinLines(picked);
    if (
      unterminated &&
      picked.length &&
      picked.at(-1) === ls.at(-1) &&
      (which === 'tail' || picked.length === ls.length)
    )
      out = out.slice(0, -1);
    term.out(out);
    return r.ok ? 0 : 1;
  };
}

const wc: HostProgram = (engine, argv, term, io) => {
  const g = getopt(argv.slice(1), '', 'wc', term, 'lwcmL');
  if (!g) return 1;
  const r = inputs(engine, 'wc', g.rest, io, term);
  const text = r.text;
  const counts: Record<string, number> = {
    l: (text.match(/\n/g) ?? []).length,
    w: text.split(/\s+/).filter(Boolean).length,
    c: Buffer.byteLength(text),
    m: [...text].length,
    L: Math.max(0, ...lines(text).map((l) => l.length)),
  };
  const chosen = ['l', 'w', 'c', 'm', 'L'].filter((k) => g.opts.has(k));
  const keys = chosen.length ? chosen : ['l', 'w', 'c'];
  const name = g.rest.length ? ` ${g.rest.join(' ')}` : '';
  // busybox: one column alone is printed bare; several are `%9u` then ` %9u` each.
  if (keys.length === 1 && !name) term.out(`${counts[keys[0]!]}\n`);
  else term.out(`${keys.map((k, i) => (i ? ' ' : '') + String(counts[k]).padStart(9)).join('')}${name}\n`);
  return r.ok ? 0 : 1;
};

const sort: HostProgram = (engine, argv, term, io) => {
  const g = getopt(argv.slice(1), 'kt', 'sort', term, 'rnufbh');
  if (!g) return 1;
  const r = inputs(engine, 'sort', g.rest, io, term);
  const sep = g.opts.get('t')?.at(-1);
  const key = g.opts.get('k')?.at(-1);
  const field = key ? Number(key.split(/[,.]/)[0]) : 0;
  const keyOf = (l: string) => {
    if (!field) return l;
    const parts = sep !== undefined ? l.split(sep) : l.trim().split(/\s+/);
    return parts.slice(field - 1).join(sep ?? ' ');
  };
  const numeric = g.opts.has('n');
  const fold = g.opts.has('f');
  let ls = lines(r.text);
  ls.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (numeric) {
      const d = (Number.parseFloat(ka) || 0) - (Number.parseFloat(kb) || 0);
      if (d !== 0) return d;
    } else {
      const x = fold ? ka.toUpperCase() : ka;
      const y = fold ? kb.toUpperCase() : kb;
      if (x !== y) return x < y ? -1 : 1;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
  if (g.opts.has('r')) ls.reverse();
  if (g.opts.has('u')) ls = ls.filter((l, i) => i === 0 || keyOf(l) !== keyOf(ls[i - 1]!));
  term.out(joinLines(ls));
  return r.ok ? 0 : 1;
};

const uniq: HostProgram = (engine, argv, term, io) => {
  const g = getopt(argv.slice(1), '', 'uniq', term, 'cdui');
  if (!g) return 1;
  const r = inputs(engine, 'uniq', g.rest.slice(0, 1), io, term);
  const groups: Array<[string, number]> = [];
  for (const l of lines(r.text)) {
    const last = groups[groups.length - 1];
    const same = last && (g.opts.has('i') ? last[0].toLowerCase() === l.toLowerCase() : last[0] === l);
    if (same) last[1]++;
    else groups.push([l, 1]);
  }
  for (const [l, n] of groups) {
    if (g.opts.has('d') && n < 2) continue;
    if (g.opts.has('u') && n > 1) continue;
    term.out(g.opts.has('c') ? `${String(n).padStart(7)} ${l}\n` : `${l}\n`);
  }
  return r.ok ? 0 : 1;
};

/** `1,3`, `2-`, `-4` lists of cut. */
function ranges(list: string): Array<[number, number]> {
  return list.split(',').map((p) => {
    const [a, b] = p.includes('-') ? p.split('-') : [p, p];
    return [a ? Number(a) : 1, b ? Number(b) : Number.POSITIVE_INFINITY] as [number, number];
  });
}

const cut: HostProgram = (engine, argv, term, io) => {
  const g = getopt(argv.slice(1), 'dfcb', 'cut', term, 's');
  if (!g) return 1;
  const r = inputs(engine, 'cut', g.rest, io, term);
  const inRange = (rs: Array<[number, number]>, i: number) => rs.some(([a, b]) => i >= a && i <= b);
  const f = g.opts.get('f')?.at(-1);
  const c = g.opts.get('c')?.at(-1) ?? g.opts.get('b')?.at(-1);
  if (f === undefined && c === undefined) {
    term.eprintln('cut: expected a list of bytes, characters, or fields');
    return 1;
  }
  const out: string[] = [];
  for (const l of lines(r.text)) {
    if (c !== undefined) {
      const rs = ranges(c);
      out.push([...l].filter((_ch, i) => inRange(rs, i + 1)).join(''));
      continue;
    }
    const d = g.opts.get('d')?.at(-1) ?? '\t';
    if (!l.includes(d)) {
      if (!g.opts.has('s')) out.push(l);
      continue;
    }
    const rs = ranges(f!);
    out.push(
      l
        .split(d)
        .filter((_p, i) => inRange(rs, i + 1))
        .join(d),
    );
  }
  term.out(joinLines(out));
  return r.ok ? 0 : 1;
};

const TR_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};
const TR_CLASSES: Record<string, string> = {
  upper: 'A-Z',
  lower: 'a-z',
  digit: '0-9',
  space: ' \t\n\r\f\v',
  blank: ' \t',
  alpha: 'A-Za-z',
  alnum: 'A-Za-z0-9',
  punct: '!-/:-@[-`{-~',
  xdigit: '0-9A-Fa-f',
};

/** A tr set: backslash escapes (`\r`, `\n`, octal `\NNN`), `[:class:]` and `a-z` ranges. */
function trSet(spec: string): string[] {
  // First the characters, each escaped one kept literal so it never starts a range by mistake.
  const chars: Array<{ c: string; lit: boolean }> = [];
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === '\\' && i + 1 < spec.length) {
      const oct = /^[0-7]{1,3}/.exec(spec.slice(i + 1));
      if (oct) {
        chars.push({ c: String.fromCharCode(Number.parseInt(oct[0], 8)), lit: true });
        i += oct[0].length;
      } else {
        const n = spec[++i]!;
        chars.push({ c: TR_ESCAPES[n] ?? n, lit: true });
      }
      continue;
    }
    const cls = /^\[:([a-z]+):\]/.exec(spec.slice(i));
    if (cls && TR_CLASSES[cls[1]!] !== undefined) {
      for (const x of trSet(TR_CLASSES[cls[1]!]!)) chars.push({ c: x, lit: true });
      i += cls[0].length - 1;
      continue;
    }
    chars.push({ c, lit: false });
  }
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const dash = chars[i + 1];
    const end = chars[i + 2];
    if (dash && !dash.lit && dash.c === '-' && end) {
      for (let x = chars[i]!.c.charCodeAt(0); x <= end.c.charCodeAt(0); x++) out.push(String.fromCharCode(x));
      i += 2;
    } else out.push(chars[i]!.c);
  }
  return out;
}

/** busybox `tr` (stdin to stdout only, so containers run it too). */
export const tr: HostProgram = (_e, argv, term, io) => {
  const g = getopt(argv.slice(1), '', 'tr', term, 'dsc');
  if (!g) return 1;
  const [a, b] = g.rest;
  if (a === undefined) {
    term.eprintln(
      'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: tr [-cds] STRING1 [STRING2]',
    );
    return 1;
  }
  const from = trSet(a);
  const to = b !== undefined ? trSet(b) : [];
  let out = '';
  let prev = '';
  for (const ch of io.stdin) {
    const idx = from.indexOf(ch);
    let r = ch;
    if (g.opts.has('d') && idx >= 0) continue;
    if (!g.opts.has('d') && idx >= 0 && to.length) r = to[Math.min(idx, to.length - 1)]!;
    if (g.opts.has('s') && r === prev && (to.length ? to : from).includes(r)) continue;
    out += r;
    prev = r;
  }
  term.out(out);
  return 0;
};

const tee: HostProgram = (engine, argv, term, io) => {
  const append = argv.includes('-a');
  for (const f of argv.slice(1).filter((a) => a !== '-a')) {
    const path = f.startsWith('/') ? f : `${io.cwd === '/' ? '' : io.cwd}/${f}`;
    hostFiles(engine).write(path, io.stdin, append);
  }
  term.out(io.stdin);
  return 0;
};

const xargs: HostProgram = async (_e, argv, term, io) => {
  const g = getopt(argv.slice(1).slice(0, firstCommand(argv.slice(1))), 'nI', 'xargs', term, 'rt0');
  if (!g) return 1;
  const cmd = argv.slice(1).slice(firstCommand(argv.slice(1)));
  const command = cmd.length ? cmd : ['echo'];
  const replace = g.opts.get('I')?.at(-1);
  const words = replace !== undefined ? lines(io.stdin) : io.stdin.split(/[ \t\n]+/).filter(Boolean);
  if (!words.length && g.opts.has('r')) return 0;
  const per = replace !== undefined ? 1 : Number(g.opts.get('n')?.at(-1) ?? words.length) || words.length;
  let code = 0;
  const batches: string[][] = [];
  for (let i = 0; i < words.length; i += per) batches.push(words.slice(i, i + per));
  if (!batches.length) batches.push([]);
  for (const batch of batches) {
    const full =
      replace !== undefined
        ? command.map((w) => w.split(replace).join(batch[0] ?? ''))
        : [...command, ...batch];
    if (g.opts.has('t')) term.err(`${full.join(' ')}\n`);
    const c = await io.run(full, term);
    if (c !== 0) code = c === 127 ? 127 : 123;
  }
  return code;
};

/** Index of the first word of xargs' command (after its options). */
function firstCommand(args: string[]): number {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) {
    if (/^-[nI]$/.test(args[i]!)) i++;
    i++;
  }
  return i;
}

const sed: HostProgram = (engine, argv, term, io) => {
  const args = argv.slice(1);
  const scripts: string[] = [];
  const files: string[] = [];
  let quiet = false;
  let extended = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-n') quiet = true;
    else if (a === '-E' || a === '-r') extended = true;
    else if (a === '-e') scripts.push(args[++i] ?? '');
    else if (/^-[nEr]+$/.test(a)) {
      quiet ||= a.includes('n');
      extended ||= /[Er]/.test(a);
    } else if (a.startsWith('-') && a !== '-') {
      term.eprintln(`sed: unrecognized option: ${a.slice(1)}`);
      return 1;
    } else if (!scripts.length) scripts.push(a);
    else files.push(a);
  }
  if (!scripts.length) {
    term.eprintln(
      'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...',
    );
    return 1;
  }
  type Addr = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: RegExp };
  type Cmd = {
    addr: Addr | null;
    addr2: Addr | null;
    op: string;
    re?: RegExp;
    repl?: string;
    global?: boolean;
    print?: boolean;
    text?: string;
  };
  const cmds: Cmd[] = [];
  const parseAddr = (s: string, i: number): [Addr | null, number] => {
    if (/\d/.test(s[i] ?? '')) {
      const m = /^\d+/.exec(s.slice(i))!;
      return [{ kind: 'line', n: Number(m[0]) }, i + m[0].length];
    }
    if (s[i] === '$') return [{ kind: 'last' }, i + 1];
    if (s[i] === '/') {
      const end = findDelim(s, i + 1, '/');
      return [{ kind: 're', re: posixRegex(s.slice(i + 1, end), extended) }, end + 1];
    }
    return [null, i];
  };
  for (const script of scripts) {
    let i = 0;
    while (i < script.length) {
      while (script[i] === ';' || script[i] === ' ' || script[i] === '\n') i++;
      if (i >= script.length) break;
      let addr: Addr | null;
      let addr2: Addr | null = null;
      [addr, i] = parseAddr(script, i);
      if (script[i] === ',') [addr2, i] = parseAddr(script, i + 1);
      const op = script[i];
      i++;
      if (op === 's') {
        const d = script[i]!;
        const e1 = findDelim(script, i + 1, d);
        const e2 = findDelim(script, e1 + 1, d);
        if (e1 >= script.length || e2 >= script.length) {
          term.eprintln(`sed: unmatched '${d}'`);
          return 1;
        }
        let flags = '';
        let k = e2 + 1;
        while (k < script.length && /[gpI0-9]/.test(script[k]!)) flags += script[k++];
        cmds.push({
          addr,
          addr2,
          op: 's',
          re: posixRegex(
            script
              .slice(i + 1, e1)
              .split(`\\${d}`)
              .join(d),
            extended,
            flags.includes('I') ? 'i' : '',
          ),
          repl: script
            .slice(e1 + 1, e2)
            .split(`\\${d}`)
            .join(d),
          global: flags.includes('g'),
          print: flags.includes('p'),
        });
        i = k;
      } else if (op === 'p' || op === 'd' || op === 'q' || op === '=') cmds.push({ addr, addr2, op });
      else if (op === 'a' || op === 'i' || op === 'c') {
        const text = script.slice(i).replace(/^\\?\s*/, '');
        cmds.push({ addr, addr2, op, text });
        i = script.length;
      } else {
        term.eprintln(`sed: unsupported command ${op ?? ''}`);
        return 1;
      }
    }
  }
  const r = inputs(engine, 'sed', files, io, term);
  const ls = lines(r.text);
  const matches = (a: Addr, line: string, n: number) =>
    a.kind === 'line' ? a.n === n : a.kind === 'last' ? n === ls.length : a.re.test(line);
  const active = new Map<Cmd, boolean>();
  let out = '';
  for (let n = 1; n <= ls.length; n++) {
    let line = ls[n - 1]!;
    let deleted = false;
    let quit = false;
    const after: string[] = [];
    for (const c of cmds) {
      let hit = true;
      if (c.addr && !c.addr2) hit = matches(c.addr, line, n);
      else if (c.addr && c.addr2) {
        if (active.get(c)) {
          hit = true;
          if (matches(c.addr2, line, n) || (c.addr2.kind === 'line' && n >= c.addr2.n)) active.set(c, false);
        } else if (matches(c.addr, line, n)) {
          hit = true;
          active.set(c, !(c.addr2.kind === 'line' && c.addr2.n <= n));
        } else hit = false;
      }
      if (!hit) continue;
      if (c.op === 's') {
        const re = new RegExp(c.re!.source, c.re!.flags + (c.global ? 'g' : ''));
        const repl = c
          .repl!.replace(/\$/g, '$$$$')
          .replace(/\\([0-9])/g, '$$$1')
          .replace(/(^|[^\\])&/g, '$1$$&')
          .replace(/\\&/g, '&')
          .replace(/\\n/g, '\n');
        if (re.test(line)) {
          re.lastIndex = 0;
          line = line.replace(re, repl);
          if (c.print) out += `${line}\n`;
        }
      } else if (c.op === 'p') out += `${line}\n`;
      else if (c.op === '=') out += `${n}\n`;
      else if (c.op === 'd') {
        deleted = true;
        break;
      } else if (c.op === 'q') {
        quit = true;
        break;
      } else if (c.op === 'a') after.push(c.text!);
      else if (c.op === 'i') out += `${c.text}\n`;
      else if (c.op === 'c') {
        out += `${c.text}\n`;
        deleted = true;
        break;
      }
    }
    if (!deleted && !quiet) out += `${line}\n`;
    for (const a of after) out += `${a}\n`;
    if (quit) break;
  }
  term.out(out);
  return r.ok ? 0 : 1;
};

function findDelim(s: string, from: number, d: string): number {
  let i = from;
  while (i < s.length && s[i] !== d) i += s[i] === '\\' ? 2 : 1;
  return i;
}

/** busybox `base64 [-d] [-w COL] [FILE]`: 76 columns unless `-w` (0: one line). */
const base64: HostProgram = (engine, argv, term, io) => {
  const g = getopt(argv.slice(1), 'w', 'base64', term, 'dw');
  if (!g) return 1;
  const r = inputs(engine, 'base64', g.rest.slice(0, 1), io, term);
  if (!r.ok) return 1;
  if (g.opts.has('d')) {
    const clean = r.text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
      term.out(Buffer.from(clean.replace(/[^A-Za-z0-9+/=].*$/, ''), 'base64').toString('utf8'));
      term.eprintln('base64: invalid input');
      return 1;
    }
    term.out(Buffer.from(clean, 'base64').toString('utf8'));
    return 0;
  }
  const width = Number(g.opts.get('w')?.at(-1) ?? 76);
  const encoded = Buffer.from(r.text, 'utf8').toString('base64');
  if (encoded === '') return 0;
  const rows = width > 0 ? (encoded.match(new RegExp(`.{1,${width}}`, 'g')) ?? []) : [encoded];
  term.out(width > 0 ? `${rows.join('\n')}\n` : encoded);
  return 0;
};

registerHostProgram('echo', echo);
registerHostProgram('base64', base64);
registerHostProgram('printf', printf);
registerHostProgram('cat', cat);
registerHostProgram('grep', grep);
registerHostProgram('egrep', grep);
registerHostProgram('fgrep', grep);
registerHostProgram('head', headTail('head'));
registerHostProgram('tail', headTail('tail'));
registerHostProgram('wc', wc);
registerHostProgram('sort', sort);
registerHostProgram('uniq', uniq);
registerHostProgram('cut', cut);
registerHostProgram('tr', tr);
registerHostProgram('tee', tee);
registerHostProgram('xargs', xargs);
registerHostProgram('sed', sed);
registerHostProgram('true', () => 0);
registerHostProgram('false', () => 1);
