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

/** Splits short options (`-lc`) off the front of argv, as getopt does; `--` ends them. */
function shortOpts(
  args: string[],
  valued: string,
): { flags: string[]; values: Record<string, string>; rest: string[]; bad?: string } {
  const flags: string[] = [];
  const values: Record<string, string> = {};
  const rest: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
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
        values[ch] = v;
        break;
      }
      flags.push(ch);
    }
  }
  rest.push(...args.slice(i));
  return { flags, values, rest };
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
