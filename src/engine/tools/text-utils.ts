/**
 * busybox 1.35's text applets (`wc`, `head`, `tail`) as the course's alpine image runs them:
 * files or stdin, busybox's column formats and its messages for missing files.
 */
import { isDir, normalizePath, readFile } from './fs.ts';
import { exited, type Proc, type ProcResult } from './process.ts';

/**
 * A file's text for an applet, or null after the applet's message: head and wc warn as
 * `fopen_or_warn` (`wc: /x: No such file or directory`), tail as `open_or_warn` (`can't open`).
 */
function openInput(p: Proc, applet: string, name: string): string | null {
  if (name === '-') return p.stdin;
  const path = normalizePath(p.cwd, name);
  if (isDir(p.container, path)) {
    // A directory opens, then its read fails.
    const msg = { wc: `wc: ${name}: Is a directory`, head: `head: ${name}: Input/output error` }[applet];
    p.err(`${msg ?? `${applet}: read error: Is a directory`}\n`);
    return applet === 'wc' ? '' : null;
  }
  const text = readFile(p.engine, p.container, path);
  if (text === null) {
    p.err(
      applet === 'tail'
        ? `tail: can't open '${name}': No such file or directory\n`
        : `${applet}: ${name}: No such file or directory\n`,
    );
  }
  return text;
}

function usage(p: Proc, text: string): ProcResult {
  p.err(`BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\n${text}`);
  return exited(1);
}

/** `shortOptsMulti` with one value per option: a repeated valued option keeps its last value. */
function shortOpts(
  args: string[],
  valued: string,
): { flags: string[]; values: Record<string, string>; rest: string[]; bad?: string } {
  const { values, ...parsed } = shortOptsMulti(args, valued);
  return {
    ...parsed,
    values: Object.fromEntries(Object.entries(values).map(([ch, all]) => [ch, all.at(-1)!])),
  };
}

// ---- wc ----

const WC_USAGE =
  'Usage: wc [-cmlwL] [FILE]...\n\nCount lines, words, and bytes for FILEs (or stdin)\n\n\t-c\tCount bytes\n\t-m\tCount characters\n\t-l\tCount newlines\n\t-w\tCount words\n\t-L\tPrint longest line length\n';

/** Counts in busybox's order: lines, words, chars, bytes, longest line. */
function wcCounts(text: string): number[] {
  const bytes = Buffer.from(text, 'utf8');
  let lines = 0;
  let words = 0;
  let chars = 0;
  let longest = 0;
  let linepos = 0;
  let inWord = false;
  for (const b of bytes) {
    if ((b & 0xc0) !== 0x80) chars++;
    if (b >= 0x20 && b < 0x7f) {
      linepos++;
      if (b !== 0x20) {
        inWord = true;
        continue;
      }
    } else if (b >= 9 && b <= 13) {
      if (b === 9) linepos = (linepos | 7) + 1;
      else {
        if (linepos > longest) longest = linepos;
        if (b === 10) lines++;
        if (b !== 11) linepos = 0;
      }
    } else continue;
    if (inWord) words++;
    inWord = false;
  }
  if (linepos > longest) longest = linepos;
  if (inWord) words++;
  return [lines, words, chars, bytes.length, longest];
}

export function wc(p: Proc): ProcResult {
  const { flags, rest, bad } = shortOpts(p.argv.slice(1), '');
  const order = 'lwmcL';
  const unknown = flags.find((f) => !order.includes(f));
  if (bad || unknown) {
    p.err(`wc: ${bad ?? `invalid option -- '${unknown}'`}\n`);
    return usage(p, WC_USAGE);
  }
  let printType = 0;
  for (const f of flags) printType |= 1 << order.indexOf(f);
  if (printType === 0) printType = 0b1011;
  const names = rest.length ? rest : [null];
  // One count of one input prints bare; otherwise columns are 9 wide.
  const single = names.length === 1 && (printType & (printType - 1)) === 0;
  const totals = [0, 0, 0, 0, 0];
  let code = 0;
  const line = (counts: number[], name: string | null) => {
    const cols: string[] = [];
    for (let u = 0; u < 5; u++) {
      if (!(printType & (1 << u))) continue;
      const n = String(counts[u]);
      cols.push(single && cols.length === 0 ? n : n.padStart(9));
    }
    p.out(`${cols.join(' ')}${name === null ? '' : ` ${name}`}\n`);
  };
  for (const name of names) {
    const text = name === null ? p.stdin : openInput(p, 'wc', name);
    if (text === null) {
      code = 1;
      continue;
    }
    const counts = wcCounts(text);
    for (let u = 0; u < 4; u++) totals[u]! += counts[u]!;
    totals[4] = Math.max(totals[4]!, counts[4]!);
    line(counts, name);
  }
  if (names.length > 1) line(totals, 'total');
  return exited(code);
}

// ---- head / tail ----

const HEAD_USAGE =
  'Usage: head [OPTIONS] [FILE]...\n\nPrint first 10 lines of FILEs (or stdin).\nWith more than one FILE, precede each with a filename header.\n\n\t-n N[bkm]\tPrint first N lines\n\t-n -N[bkm]\tPrint all except N last lines\n\t-c [-]N[bkm]\tPrint first N bytes\n\t\t\t(b:*512 k:*1024 m:*1024^2)\n\t-q\t\tNever print headers\n\t-v\t\tAlways print headers\n';

const TAIL_USAGE =
  'Usage: tail [OPTIONS] [FILE]...\n\nPrint last 10 lines of FILEs (or stdin) to.\nWith more than one FILE, precede each with a filename header.\n\n\t-c [+]N[bkm]\tPrint last N bytes\n\t-n N[bkm]\tPrint last N lines\n\t-n +N[bkm]\tStart on Nth line and print the rest\n\t\t\t(b:*512 k:*1024 m:*1024^2)\n\t-q\t\tNever print headers\n\t-v\t\tAlways print headers\n\t-f\t\tPrint data as file grows\n\t-F\t\tSame as -f, but keep retrying\n\t-s SECONDS\tWait SECONDS between reads with -f\n';

const SUFFIXES: Record<string, number> = { '': 1, b: 512, k: 1024, m: 1024 * 1024 };

/** busybox's `xatoul_sfx` with a sign: `-N`, `+N`, `N`, `Nk`. */
function parseCount(text: string): { n: number; sign: '' | '-' | '+' } | null {
  const m = /^([-+]?)(\d+)([bkm]?)$/.exec(text);
  if (!m) return null;
  return { n: Number(m[2]) * SUFFIXES[m[3]!]!, sign: m[1] as '' | '-' | '+' };
}

/** Lines of `text` keeping their newlines (the last may lack one). */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

type Slicer = (text: string) => string;

function headOrTail(p: Proc, applet: 'head' | 'tail', help: string): ProcResult {
  let args = p.argv.slice(1);
  // `head -3` / `tail -3`: the legacy count without -n.
  if (args[0] && /^-\d/.test(args[0])) args = ['-n', args[0].slice(1), ...args.slice(1)];
  const valued = applet === 'head' ? 'nc' : 'ncs';
  const { flags, values, rest, bad } = shortOpts(args, valued);
  const known = applet === 'head' ? 'qv' : 'qvfF';
  const unknown = flags.find((f) => !known.includes(f));
  if (bad || unknown) {
    p.err(`${applet}: ${bad ?? `invalid option -- '${unknown}'`}\n`);
    return usage(p, help);
  }
  if ((flags.includes('f') || flags.includes('F')) && p.main)
    return { daemon: { listeners: [], termCode: null } };
  const bytes = values.c !== undefined;
  const raw = values.c ?? values.n ?? '10';
  const count = parseCount(raw);
  if (!count) {
    p.err(`${applet}: invalid number '${raw}'\n`);
    return exited(1);
  }
  const slice: Slicer = (text) => {
    const units = bytes ? [...Buffer.from(text, 'utf8')].map((b) => String.fromCharCode(b)) : linesOf(text);
    let kept: string[];
    if (applet === 'head')
      kept =
        count.sign === '-' ? units.slice(0, Math.max(0, units.length - count.n)) : units.slice(0, count.n);
    else
      kept =
        count.sign === '+'
          ? units.slice(Math.max(0, count.n - 1))
          : count.n === 0
            ? []
            : units.slice(-count.n);
    return bytes ? Buffer.from(kept.join(''), 'latin1').toString('utf8') : kept.join('');
  };
  const names = rest.length ? rest : ['-'];
  let code = 0;
  let printed = 0;
  const show = (name: string, text: string, headers: boolean) => {
    if (headers) p.out(`${printed === 0 ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
    printed++;
    p.out(slice(text));
  };
  const always = flags.includes('v');
  const never = flags.includes('q');
  if (applet === 'head') {
    // head decides on headers from the names given and reads them one by one.
    for (const name of names) {
      const text = openInput(p, applet, name);
      if (text === null) code = 1;
      else show(name, text, always || (names.length > 1 && !never));
    }
    return exited(code);
  }
  // tail opens every file first and counts those it could.
  const inputs: Array<{ name: string; text: string }> = [];
  for (const name of names) {
    const text = openInput(p, applet, name);
    if (text === null) code = 1;
    else inputs.push({ name, text });
  }
  if (inputs.length === 0) {
    p.err('tail: no files\n');
    return exited(1);
  }
  for (const { name, text } of inputs) show(name, text, always || (inputs.length > 1 && !never));
  return exited(code);
}

export const head = (p: Proc): ProcResult => headOrTail(p, 'head', HEAD_USAGE);
export const tail = (p: Proc): ProcResult => headOrTail(p, 'tail', TAIL_USAGE);

// ---- grep ----

const GREP_USAGE =
  "Usage: grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n\nSearch for PATTERN in FILEs (or stdin)\n\n\t-H\tAdd 'filename:' prefix\n\t-h\tDo not add 'filename:' prefix\n\t-n\tAdd 'line_no:' prefix\n\t-l\tShow only names of files that match\n\t-L\tShow only names of files that don't match\n\t-c\tShow only count of matching lines\n\t-o\tShow only the matching part of line\n\t-q\tQuiet. Return 0 if PATTERN is found, 1 otherwise\n\t-v\tSelect non-matching lines\n\t-s\tSuppress open and read errors\n\t-r\tRecurse\n\t-R\tRecurse and dereference symlinks\n\t-i\tIgnore case\n\t-w\tMatch whole words only\n\t-x\tMatch whole lines only\n\t-F\tPATTERN is a literal (not regexp)\n\t-E\tPATTERN is an extended regexp\n\t-z\tNUL terminated input\n\t-m N\tMatch up to N times per file\n\t-A N\tPrint N lines of trailing context\n\t-B N\tPrint N lines of leading context\n\t-C N\tSame as '-A N -B N'\n\t-e PTRN\tPattern to match\n\t-f FILE\tRead pattern from file\n";

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A POSIX basic regular expression as JS: `\(` `\)` `\{` `\}` `\|` are the operators, `+?(){}|` literal. */
function breToJs(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '\\' && i + 1 < p.length) {
      const nx = p[++i]!;
      out += '(){}|+?'.includes(nx) ? nx : `\\${nx}`;
    } else if ('+?(){}|'.includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function grepRegex(patterns: string[], f: Set<string>): RegExp {
  const parts = patterns.map((p) => {
    let src = f.has('F') ? escapeRe(p) : f.has('E') ? p : breToJs(p);
    if (f.has('w')) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
    if (f.has('x')) src = `^(?:${src})$`;
    return `(?:${src})`;
  });
  try {
    return new RegExp(parts.join('|'), f.has('i') ? 'gi' : 'g');
  } catch {
    return new RegExp(patterns.map(escapeRe).join('|'), f.has('i') ? 'gi' : 'g');
  }
}

export function grep(p: Proc): ProcResult {
  const { flags, values, rest, bad } = shortOptsMulti(p.argv.slice(1), 'emABCf');
  const f = new Set(flags);
  const unknown = flags.find((x) => !'HhnlLoqvsrRiwFEzxc'.includes(x));
  if (bad || unknown) {
    p.err(`grep: ${bad ?? `invalid option -- '${unknown}'`}\n`);
    usage(p, GREP_USAGE);
    return exited(2);
  }
  const patterns = values.e ?? [];
  const args = [...rest];
  if (!patterns.length) {
    const first = args.shift();
    if (first === undefined) {
      usage(p, GREP_USAGE);
      return exited(2);
    }
    patterns.push(...first.split('\n'));
  }
  const re = grepRegex(patterns, f);
  const names = args.length ? args : ['-'];
  const prefix = f.has('H') || (names.length > 1 && !f.has('h'));
  let matchedAny = false;
  let code = 0;
  for (const name of names) {
    let text: string | null;
    if (name === '-') text = p.stdin;
    else {
      const path = normalizePath(p.cwd, name);
      text = isDir(p.container, path) ? null : readFile(p.engine, p.container, path);
      if (text === null) {
        if (!f.has('s'))
          p.err(
            `grep: ${name}: ${isDir(p.container, path) ? 'Is a directory' : 'No such file or directory'}\n`,
          );
        code = 2;
        continue;
      }
    }
    const label = name === '-' ? '(standard input)' : name;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let count = 0;
    const max = values.m ? Number(values.m[0]) : Number.POSITIVE_INFINITY;
    for (let n = 0; n < lines.length && count < max; n++) {
      const line = lines[n]!;
      re.lastIndex = 0;
      const hit = re.test(line) !== f.has('v');
      if (!hit) continue;
      count++;
      matchedAny = true;
      if (f.has('q')) return exited(0);
      if (f.has('c') || f.has('l') || f.has('L')) continue;
      const head = `${prefix ? `${label}:` : ''}${f.has('n') ? `${n + 1}:` : ''}`;
      if (f.has('o') && !f.has('v')) {
        re.lastIndex = 0;
        for (const m of line.matchAll(re)) if (m[0]) p.out(`${head}${m[0]}\n`);
      } else p.out(`${head}${line}\n`);
    }
    if (f.has('c')) p.out(`${prefix ? `${label}:` : ''}${count}\n`);
    if (f.has('l') && count) p.out(`${label}\n`);
    if (f.has('L') && !count) p.out(`${label}\n`);
  }
  if (code === 2 && !matchedAny) return exited(2);
  if (f.has('L')) return exited(matchedAny ? 1 : 0);
  return exited(matchedAny ? 0 : 1);
}

/** Splits short options (`-lc`) off the front of argv, as getopt does; `--` ends them. Valued options keep every value given (`-e a -e b`). */
function shortOptsMulti(
  args: string[],
  valued: string,
): { flags: string[]; values: Record<string, string[]>; rest: string[]; bad?: string } {
  const flags: string[] = [];
  const values: Record<string, string[]> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      rest.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      if (valued.includes(ch)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return { flags, values, rest, bad: `option requires an argument -- '${ch}'` };
        values[ch] = [...(values[ch] ?? []), v];
        break;
      }
      flags.push(ch);
    }
  }
  return { flags, values, rest };
}

// ---- cut ----

const CUT_USAGE =
  "Usage: cut [OPTIONS] [FILE]...\n\nPrint selected fields from FILEs to stdout\n\n\t-b LIST\tOutput only bytes from LIST\n\t-c LIST\tOutput only characters from LIST\n\t-d SEP\tField delimiter for input (default -f TAB, -F run of whitespace)\n\t-O SEP\tField delimiter for output (default = -d for -f, one space for -F)\n\t-D\tDon't sort/collate sections or match -fF lines without delimiter\n\t-f LIST\tPrint only these fields (-d is single char)\n\t-F LIST\tPrint only these fields (-d is regex)\n\t-s\tOutput only lines containing delimiter\n\t-n\tIgnored\n";

/** A cut LIST (`1,3-5,7-`) as a predicate on 1-based positions. */
function cutList(list: string): ((n: number) => boolean) | null {
  const ranges: Array<[number, number]> = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (!m[1] && !m[3])) return null;
    const lo = m[1] ? Number(m[1]) : 1;
    const hi = m[2] ? (m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY) : lo;
    ranges.push([lo, hi]);
  }
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

export function cut(p: Proc): ProcResult {
  const { flags, values, rest, bad } = shortOpts(p.argv.slice(1), 'bcdfFO');
  const unknown = flags.find((x) => !'Dsn'.includes(x));
  if (bad || unknown) {
    p.err(`cut: ${bad ?? `invalid option -- '${unknown}'`}\n`);
    return usage(p, CUT_USAGE);
  }
  const listText = values.f ?? values.c ?? values.b;
  if (listText === undefined) {
    p.err('cut: expected a list of bytes, characters, or fields\n');
    return exited(1);
  }
  const pick = cutList(listText);
  if (!pick) {
    p.err(`cut: invalid range ${listText}\n`);
    return exited(1);
  }
  const delim = values.d ?? '\t';
  const fields = values.f !== undefined;
  let code = 0;
  for (const name of rest.length ? rest : ['-']) {
    const text = name === '-' ? p.stdin : openInput(p, 'cut', name);
    if (text === null) {
      code = 1;
      continue;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      if (!fields) {
        p.out(`${[...line].filter((_, i) => pick(i + 1)).join('')}\n`);
        continue;
      }
      if (!line.includes(delim)) {
        if (!flags.includes('s')) p.out(`${line}\n`);
        continue;
      }
      p.out(
        `${line
          .split(delim)
          .filter((_, i) => pick(i + 1))
          .join(values.O ?? delim)}\n`,
      );
    }
  }
  return exited(code);
}

// ---- sort ----

export function sort(p: Proc): ProcResult {
  const { flags, rest } = shortOpts(p.argv.slice(1), 'otk');
  let text = '';
  let code = 0;
  for (const name of rest.length ? rest : ['-']) {
    const t = name === '-' ? p.stdin : openInput(p, 'sort', name);
    if (t === null) code = 2;
    else text += t.endsWith('\n') || t === '' ? t : `${t}\n`;
  }
  let lines = text.split('\n');
  lines.pop();
  const numeric = flags.includes('n');
  const fold = flags.includes('f');
  const key = (l: string) => (fold ? l.toUpperCase() : l);
  lines.sort((a, b) => {
    if (numeric) {
      const d = (Number.parseFloat(a) || 0) - (Number.parseFloat(b) || 0);
      if (d !== 0) return d;
    }
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  if (flags.includes('r')) lines.reverse();
  if (flags.includes('u')) lines = lines.filter((l, i) => i === 0 || key(l) !== key(lines[i - 1]!));
  if (lines.length) p.out(`${lines.join('\n')}\n`);
  return exited(code);
}
