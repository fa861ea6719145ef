/**
 * busybox applets scripts compute with, the same in containers and on the sandbox host: `seq`,
 * `expr`, `basename`, `dirname`. Each takes its arguments and gives what it prints.
 */
import { posixRegex } from '../host-programs/text.ts';
import { BUSYBOX } from './busybox.ts';

export interface AppletResult {
  out: string;
  err: string;
  code: number;
}

const ok = (out: string): AppletResult => ({ out, err: '', code: 0 });
const usage = (text: string): AppletResult => ({ out: '', err: `${BUSYBOX}\n\nUsage: ${text}\n`, code: 1 });

const SEQ_USAGE = `seq [-w] [-s SEP] [FIRST [INC]] LAST

Print numbers from FIRST to LAST, in steps of INC.
FIRST, INC default to 1.

\t-w\tPad to last with leading zeros
\t-s SEP\tString separator`;

/** `seq [-w] [-s SEP] [FIRST [INC]] LAST` */
export function seq(args: string[]): AppletResult {
  let sep = '\n';
  let pad = false;
  const nums: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '-w') pad = true;
    else if (a === '-s') sep = args[++k] ?? '';
    else if (a.startsWith('-s')) sep = a.slice(2);
    else nums.push(a);
  }
  if (!nums.length || nums.length > 3 || nums.some((n) => !/^-?(\d+\.?\d*|\.\d+)$/.test(n)))
    return usage(SEQ_USAGE);
  const [first, inc, last] =
    nums.length === 1
      ? ['1', '1', nums[0]!]
      : nums.length === 2
        ? [nums[0]!, '1', nums[1]!]
        : (nums as [string, string, string]);
  const decimals = Math.max(...[first, inc].map((n) => (n.includes('.') ? n.split('.')[1]!.length : 0)));
  const a = Number(first);
  const step = Number(inc);
  const end = Number(last);
  const values: string[] = [];
  if (step !== 0) {
    for (let i = 0; values.length < 100_000; i++) {
      const v = a + i * step;
      if (step > 0 ? v > end + 1e-9 : v < end - 1e-9) break;
      values.push(v.toFixed(decimals));
    }
  }
  const width = pad ? Math.max(...values.map((v) => v.replace('-', '').length)) : 0;
  const shown = values.map((v) =>
    v.startsWith('-') ? `-${v.slice(1).padStart(width, '0')}` : v.padStart(width, '0'),
  );
  return ok(shown.length ? `${shown.join(sep)}\n` : '');
}

class ExprError extends Error {}

/** `expr EXPRESSION`: prints the value; exit 1 when it is null or 0, 2 on an error. */
export function expr(args: string[]): AppletResult {
  if (!args.length) return { out: '', err: 'expr: too few arguments\n', code: 2 };
  let pos = 0;
  const isInt = (v: string) => /^-?\d+$/.test(v);
  const num = (v: string): bigint => {
    if (!isInt(v)) throw new ExprError('non-numeric argument');
    return BigInt(v);
  };
  const isNull = (v: string) => v === '' || /^-?0+$/.test(v);
  const next = () => {
    const t = args[pos++];
    if (t === undefined) throw new ExprError('syntax error');
    return t;
  };
  const primary = (): string => {
    const t = next();
    if (t === '(') {
      const v = or();
      if (args[pos++] !== ')') throw new ExprError('syntax error');
      return v;
    }
    if (t === 'length') return String([...next()].length);
    if (t === 'substr') {
      const s = next();
      const p = Number(num(next()));
      const n = Number(num(next()));
      return p < 1 || n < 1 ? '' : s.slice(p - 1, p - 1 + n);
    }
    if (t === 'index') {
      const s = next();
      const chars = next();
      const i = [...s].findIndex((c) => chars.includes(c));
      return String(i + 1);
    }
    if (t === 'match') return match(next(), next());
    if (t === '+') return next();
    return t;
  };
  const match = (s: string, re: string): string => {
    let rx: RegExp;
    try {
      rx = posixRegex(re, false);
    } catch {
      throw new ExprError('syntax error');
    }
    const m = new RegExp(`^(?:${rx.source})`).exec(s);
    if (rx.source.includes('(') && /\\\(/.test(re)) return m?.[1] ?? '';
    return String(m ? m[0].length : 0);
  };
  const colon = (): string => {
    let v = primary();
    while (args[pos] === ':') {
      pos++;
      v = match(v, primary());
    }
    return v;
  };
  const mul = (): string => {
    let v = colon();
    while (['*', '/', '%'].includes(args[pos] ?? '')) {
      const op = args[pos++]!;
      const r = num(colon());
      const l = num(v);
      if (op !== '*' && r === 0n) throw new ExprError('division by zero');
      v = String(op === '*' ? l * r : op === '/' ? l / r : l % r);
    }
    return v;
  };
  const add = (): string => {
    let v = mul();
    while (args[pos] === '+' || args[pos] === '-') {
      const op = args[pos++]!;
      const r = num(mul());
      v = String(op === '+' ? num(v) + r : num(v) - r);
    }
    return v;
  };
  const compare = (): string => {
    let v = add();
    while (['=', '==', '!=', '<', '<=', '>', '>='].includes(args[pos] ?? '')) {
      const op = args[pos++]!;
      const r = add();
      const c = isInt(v) && isInt(r) ? Number(BigInt(v) - BigInt(r)) : v < r ? -1 : v > r ? 1 : 0;
      const t = {
        '=': c === 0,
        '==': c === 0,
        '!=': c !== 0,
        '<': c < 0,
        '<=': c <= 0,
        '>': c > 0,
        '>=': c >= 0,
      }[op];
      v = t ? '1' : '0';
    }
    return v;
  };
  const and = (): string => {
    let v = compare();
    while (args[pos] === '&') {
      pos++;
      const r = compare();
      v = isNull(v) || isNull(r) ? '0' : v;
    }
    return v;
  };
  const or = (): string => {
    let v = and();
    while (args[pos] === '|') {
      pos++;
      const r = and();
      v = isNull(v) ? (isNull(r) ? '0' : r) : v;
    }
    return v;
  };
  try {
    const v = or();
    if (pos < args.length) throw new ExprError('syntax error');
    return { out: `${v}\n`, err: '', code: isNull(v) ? 1 : 0 };
  } catch (e) {
    if (e instanceof ExprError) return { out: '', err: `expr: ${e.message}\n`, code: 2 };
    throw e;
  }
}

/** `basename FILE [SUFFIX]` */
export function basename(args: string[]): AppletResult {
  const [file, suffix] = args;
  if (file === undefined)
    return usage(
      'basename FILE [SUFFIX] | -a FILE... | -s SUFFIX FILE...\n\nStrip directory path and SUFFIX from FILE\n\n\t-a\t\tAll arguments are FILEs\n\t-s SUFFIX\tRemove SUFFIX (implies -a)',
    );
  const trimmed = file.replace(/\/+$/, '');
  let base = trimmed === '' ? (file ? '/' : '') : trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (suffix && base !== suffix && base.endsWith(suffix)) base = base.slice(0, -suffix.length);
  return ok(`${base}\n`);
}

/** `dirname FILENAME` */
export function dirname(args: string[]): AppletResult {
  const file = args[0];
  if (file === undefined) return usage('dirname FILENAME\n\nStrip non-directory suffix from FILENAME');
  const trimmed = file.replace(/\/+$/, '');
  if (trimmed === '') return ok(file.startsWith('/') ? '/\n' : '.\n');
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return ok('.\n');
  return ok(`${trimmed.slice(0, i).replace(/\/+$/, '') || '/'}\n`);
}
