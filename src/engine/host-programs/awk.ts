/**
 * A small busybox `awk` for the sandbox host's pipes: `-F SEP`, `BEGIN`/`END`, patterns
 * (`/re/`, `NR==2`, `NR>1`, `$3=="x"`), and `print` of fields, NR, NF, variables and strings.
 * Enough for `docker ps | awk '{print $1}'` and `awk 'NR>1 {print $2}'`; other programs get
 * awk's syntax error rather than a wrong answer.
 */
import { type HostProgram, registerHostProgram } from './registry.ts';
import { posixRegex } from './text.ts';

interface Rule {
  kind: 'begin' | 'end' | 'main';
  pattern: string | null;
  action: string | null;
}

class AwkError extends Error {}

function parseProgram(src: string): Rule[] {
  const rules: Rule[] = [];
  let i = 0;
  const s = src.trim();
  while (i < s.length) {
    while (/[\s;]/.test(s[i] ?? '')) i++;
    if (i >= s.length) break;
    let pattern = '';
    while (i < s.length && s[i] !== '{') {
      if (s[i] === '/') {
        const end = s.indexOf('/', i + 1);
        if (end < 0) throw new AwkError('unterminated regexp');
        pattern += s.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      if (s[i] === '\n' && pattern.trim()) break;
      pattern += s[i++];
    }
    let action: string | null = null;
    if (s[i] === '{') {
      let depth = 0;
      const start = i;
      for (; i < s.length; i++) {
        if (s[i] === '"') i = s.indexOf('"', i + 1);
        if (s[i] === '{') depth++;
        if (s[i] === '}' && --depth === 0) break;
      }
      if (depth !== 0) throw new AwkError('unexpected end of program');
      action = s.slice(start + 1, i);
      i++;
    }
    const p = pattern.trim();
    rules.push({
      kind: p === 'BEGIN' ? 'begin' : p === 'END' ? 'end' : 'main',
      pattern: p === 'BEGIN' || p === 'END' || !p ? null : p,
      action,
    });
  }
  return rules;
}

interface Ctx {
  fields: string[];
  line: string;
  nr: number;
  vars: Map<string, string>;
}

/** Evaluates one expression: concatenation of terms (`$1 "-" NR`), with + - for numbers. */
function evalExpr(expr: string, ctx: Ctx): string {
  const tokens =
    expr.match(/"(?:[^"\\]|\\.)*"|\$\(?[A-Za-z0-9_+-]+\)?|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[+\-*/]/g) ??
    [];
  let out = '';
  let pendingOp: string | null = null;
  let acc: number | null = null;
  const value = (t: string): string => {
    if (t.startsWith('"')) return JSON.parse(t.replace(/\\t/g, '\\t')) as string;
    if (t.startsWith('$')) {
      const ref = t.replace(/^\$\(?|\)?$/g, '');
      const n = /^\d+$/.test(ref) ? Number(ref) : Number(evalExpr(ref, ctx));
      return n === 0 ? ctx.line : (ctx.fields[n - 1] ?? '');
    }
    if (t === 'NR') return String(ctx.nr);
    if (t === 'NF') return String(ctx.fields.length);
    if (/^\d/.test(t)) return t;
    return ctx.vars.get(t) ?? '';
  };
  for (const t of tokens) {
    if (/^[+\-*/]$/.test(t)) {
      pendingOp = t;
      continue;
    }
    const v = value(t);
    if (pendingOp && acc !== null) {
      const x = Number(v) || 0;
      acc = pendingOp === '+' ? acc + x : pendingOp === '-' ? acc - x : pendingOp === '*' ? acc * x : acc / x;
      out = String(acc);
      pendingOp = null;
      continue;
    }
    out += v;
    acc = Number(out) || 0;
  }
  return out;
}

function matches(pattern: string | null, ctx: Ctx): boolean {
  if (pattern === null) return true;
  const neg = pattern.startsWith('!');
  const p = neg ? pattern.slice(1).trim() : pattern;
  let r: boolean;
  const re = /^\/(.*)\/$/.exec(p);
  if (re) r = posixRegex(re[1]!, true).test(ctx.line);
  else {
    const m = /^(.+?)\s*(==|!=|>=|<=|>|<|~|!~)\s*(.+)$/.exec(p);
    if (!m) return Boolean(evalExpr(p, ctx)) && evalExpr(p, ctx) !== '0';
    const a = evalExpr(m[1]!, ctx);
    const bRaw = m[3]!;
    if (m[2] === '~' || m[2] === '!~') {
      const hit = posixRegex(bRaw.replace(/^\/|\/$/g, ''), true).test(a);
      r = m[2] === '~' ? hit : !hit;
    } else {
      const b = evalExpr(bRaw, ctx);
      const numeric = a !== '' && b !== '' && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b));
      const x: number | string = numeric ? Number(a) : a;
      const y: number | string = numeric ? Number(b) : b;
      r =
        m[2] === '=='
          ? x === y
          : m[2] === '!='
            ? x !== y
            : m[2] === '>'
              ? x > y
              : m[2] === '<'
                ? x < y
                : m[2] === '>='
                  ? x >= y
                  : x <= y;
    }
  }
  return neg ? !r : r;
}

function runAction(action: string | null, ctx: Ctx, out: (s: string) => void): void {
  if (action === null) {
    out(`${ctx.line}\n`);
    return;
  }
  for (const stmt of action
    .split(/;|\n/)
    .map((x) => x.trim())
    .filter(Boolean)) {
    const pr = /^print(?:\s+(.*))?$/.exec(stmt);
    if (pr) {
      if (!pr[1]) out(`${ctx.line}\n`);
      else
        out(
          `${splitArgs(pr[1])
            .map((a) => evalExpr(a, ctx))
            .join(' ')}\n`,
        );
      continue;
    }
    const inc = /^([A-Za-z_]\w*)(\+\+|\s*\+=\s*(.+))$/.exec(stmt);
    if (inc) {
      const cur = Number(ctx.vars.get(inc[1]!) ?? 0);
      ctx.vars.set(inc[1]!, String(cur + (inc[2] === '++' ? 1 : Number(evalExpr(inc[3]!, ctx)) || 0)));
      continue;
    }
    const asg = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(stmt);
    if (asg) {
      ctx.vars.set(asg[1]!, evalExpr(asg[2]!, ctx));
      continue;
    }
    throw new AwkError(`unexpected token: ${stmt}`);
  }
}

/** `a, b` at top level (not inside quotes). */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const c of s) {
    if (c === '"') q = !q;
    if (c === ',' && !q) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

const awk: HostProgram = (_e, argv, term, io) => {
  const args = argv.slice(1);
  let sep: string | null = null;
  const vars = new Map<string, string>();
  while (args[0]?.startsWith('-') && args.length > 1) {
    const a = args.shift()!;
    if (a === '-F') sep = args.shift() ?? ' ';
    else if (a.startsWith('-F')) sep = a.slice(2);
    else if (a === '-v') {
      const [k, ...v] = (args.shift() ?? '').split('=');
      vars.set(k!, v.join('='));
    } else {
      term.eprintln(`awk: unrecognized option: ${a.slice(1)}`);
      return 1;
    }
  }
  const src = args.shift();
  if (src === undefined) {
    term.eprintln(
      'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...',
    );
    return 1;
  }
  let out = '';
  try {
    const rules = parseProgram(src);
    const ctx: Ctx = { fields: [], line: '', nr: 0, vars };
    const emit = (s: string) => {
      out += s;
    };
    for (const r of rules) if (r.kind === 'begin') runAction(r.action, ctx, emit);
    const text = io.stdin;
    const ls = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    for (const line of ls) {
      ctx.nr++;
      ctx.line = line;
      ctx.fields =
        sep === null || sep === ' '
          ? line.trim().split(/\s+/).filter(Boolean)
          : line.split(sep.length === 1 ? sep : posixRegex(sep, true));
      for (const r of rules) if (r.kind === 'main' && matches(r.pattern, ctx)) runAction(r.action, ctx, emit);
    }
    for (const r of rules) if (r.kind === 'end') runAction(r.action, ctx, emit);
  } catch (e) {
    if (e instanceof AwkError) {
      term.out(out);
      term.eprintln(`awk: cmd. line:1: ${e.message}`);
      return 2;
    }
    throw e;
  }
  term.out(out);
  return 0;
};

registerHostProgram('awk', awk);
