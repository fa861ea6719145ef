/**
 * ash's `$((...))`: 64-bit integers, C operators (with `**`, assignments, `++`/`--`, `?:`, `,`),
 * variables by name (a variable holding an expression is evaluated in turn). Errors carry ash's
 * text: `arithmetic syntax error`, `divide by zero`, `exponent less than 0`.
 */

export class ArithError extends Error {}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { k: 'num'; v: bigint } | { k: 'name'; v: string } | { k: 'op'; v: string };

const OPS = [
  '<<=',
  '>>=',
  '**',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '^=',
  '|=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '^',
  '|',
  '!',
  '~',
  '?',
  ':',
  '=',
  '(',
  ')',
  ',',
];

const wrap = (v: bigint) => BigInt.asIntN(64, v);
const syntax = () => new ArithError('arithmetic syntax error');

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9][0-9A-Za-z_#]*)/.exec(text.slice(i));
    if (num) {
      out.push({ k: 'num', v: parseNumber(num[0]) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw syntax();
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  return out;
}

function parseNumber(s: string): bigint {
  let m = /^0[xX]([0-9a-fA-F]+)$/.exec(s);
  if (m) return wrap(BigInt(`0x${m[1]}`));
  if (/^0[0-7]*$/.test(s)) return wrap(BigInt(`0o${s.slice(1) || '0'}`));
  if (/^[1-9][0-9]*$/.test(s)) return wrap(BigInt(s));
  m = /^([0-9]+)#([0-9A-Za-z@_]+)$/.exec(s);
  if (m) {
    const base = Number(m[1]);
    if (base < 2 || base > 64) throw syntax();
    let v = 0n;
    for (const ch of m[2]!) {
      const d = parseInt(ch, 36);
      if (Number.isNaN(d) || d >= base) throw syntax();
      v = v * BigInt(base) + BigInt(d);
    }
    return wrap(v);
  }
  throw syntax();
}

/** The value of a variable in arithmetic: empty or unset is 0; other text is an expression. */
function varValue(vars: ArithVars, name: string, depth: number): bigint {
  const v = (vars.get(name) ?? '').trim();
  if (v === '') return 0n;
  if (/^-?[0-9]+$/.test(v)) return v.startsWith('-') ? wrap(-parseNumber(v.slice(1))) : parseNumber(v);
  if (depth > 50) throw syntax();
  return evaluate(v, vars, depth + 1);
}

export function evalArith(text: string, vars: ArithVars): bigint {
  return evaluate(text, vars, 0);
}

/** Token lists by expression text: a loop evaluates the same few expressions again and again. */
const TOKENS = new Map<string, Tok[]>();

function evaluate(text: string, vars: ArithVars, depth: number): bigint {
  let toks = TOKENS.get(text);
  if (!toks) {
    toks = tokenize(text);
    if (TOKENS.size > 1000) TOKENS.clear();
    TOKENS.set(text, toks);
  }
  if (!toks.length) return 0n;
  let pos = 0;
  const peekOp = () => {
    const t = toks[pos];
    return t?.k === 'op' ? t.v : null;
  };
  // `skip`: the branch is not taken (`0 && x=1`): no assignments, no division errors.
  let skip = 0;

  type Val = { v: bigint; name?: string };
  const val = (x: Val) => x.v;
  const assign = (target: Val, v: bigint): bigint => {
    if (target.name === undefined) throw syntax();
    if (!skip) vars.set(target.name, String(v));
    return v;
  };

  const primary = (): Val => {
    const t = toks[pos++];
    if (!t) throw syntax();
    if (t.k === 'num') return { v: t.v };
    if (t.k === 'name') {
      const op = peekOp();
      if (op === '++' || op === '--') {
        pos++;
        const old = skip ? 0n : varValue(vars, t.v, depth);
        assign({ v: old, name: t.v }, wrap(old + (op === '++' ? 1n : -1n)));
        return { v: old };
      }
      return { v: skip ? 0n : varValue(vars, t.v, depth), name: t.v };
    }
    if (t.v === '(') {
      const v = comma();
      if (peekOp() !== ')') throw syntax();
      pos++;
      return { v };
    }
    pos--;
    throw syntax();
  };

  const unary = (): Val => {
    const op = peekOp();
    if (op === '++' || op === '--') {
      pos++;
      const t = toks[pos++];
      if (t?.k !== 'name') throw syntax();
      const v = wrap((skip ? 0n : varValue(vars, t.v, depth)) + (op === '++' ? 1n : -1n));
      return { v: assign({ v, name: t.v }, v) };
    }
    if (op === '+' || op === '-' || op === '!' || op === '~') {
      pos++;
      const v = val(unary());
      if (op === '-') return { v: wrap(-v) };
      if (op === '!') return { v: v === 0n ? 1n : 0n };
      if (op === '~') return { v: wrap(~v) };
      return { v };
    }
    return primary();
  };

  const power = (): Val => {
    const base = unary();
    if (peekOp() !== '**') return base;
    pos++;
    const exp = val(power());
    if (exp < 0n) {
      if (skip) return { v: 0n };
      throw new ArithError('exponent less than 0');
    }
    return { v: wrap(base.v ** exp) };
  };

  const LEVELS: string[][] = [
    ['*', '/', '%'],
    ['+', '-'],
    ['<<', '>>'],
    ['<', '<=', '>', '>='],
    ['==', '!='],
    ['&'],
    ['^'],
    ['|'],
  ];

  const binary = (level: number): Val => {
    if (level < 0) return power();
    let left = binary(level - 1);
    for (;;) {
      const op = peekOp();
      if (!op || !LEVELS[level]!.includes(op)) return left;
      pos++;
      const r = val(binary(level - 1));
      left = { v: applyBinary(op, left.v, r, skip > 0) };
    }
  };

  const logical = (op: '&&' | '||', sub: () => Val): Val => {
    let left = sub();
    while (peekOp() === op) {
      pos++;
      const decided = op === '&&' ? left.v === 0n : left.v !== 0n;
      if (decided) skip++;
      const r = val(sub());
      if (decided) skip--;
      left = { v: decided ? (op === '&&' ? 0n : 1n) : r !== 0n ? 1n : 0n };
    }
    return left;
  };
  const andExpr = (): Val => logical('&&', () => binary(LEVELS.length - 1));
  const orExpr = (): Val => logical('||', andExpr);

  const ternary = (): Val => {
    const cond = orExpr();
    if (peekOp() !== '?') return cond;
    pos++;
    if (cond.v === 0n) skip++;
    const a = assignment();
    if (cond.v === 0n) skip--;
    if (peekOp() !== ':') throw syntax();
    pos++;
    if (cond.v !== 0n) skip++;
    const b = assignment();
    if (cond.v !== 0n) skip--;
    return { v: cond.v !== 0n ? a.v : b.v };
  };

  const assignment = (): Val => {
    const start = pos;
    const t = toks[pos];
    const op = toks[pos + 1];
    if (t?.k === 'name' && op?.k === 'op' && /^(=|\+=|-=|\*=|\/=|%=|<<=|>>=|&=|\^=|\|=)$/.test(op.v)) {
      pos += 2;
      const r = val(assignment());
      let v = r;
      if (op.v !== '=')
        v = applyBinary(op.v.slice(0, -1), skip ? 0n : varValue(vars, t.v, depth), r, skip > 0);
      return { v: assign({ v, name: t.v }, v) };
    }
    pos = start;
    return ternary();
  };

  const comma = (): bigint => {
    let v = val(assignment());
    while (peekOp() === ',') {
      pos++;
      v = val(assignment());
    }
    return v;
  };

  const result = comma();
  if (pos !== toks.length) throw syntax();
  return result;
}

function applyBinary(op: string, a: bigint, b: bigint, skip: boolean): bigint {
  switch (op) {
    case '*':
      return wrap(a * b);
    case '/':
    case '%':
      if (b === 0n) {
        if (skip) return 0n;
        throw new ArithError('divide by zero');
      }
      return wrap(op === '/' ? a / b : a % b);
    case '+':
      return wrap(a + b);
    case '-':
      return wrap(a - b);
    case '<<':
      return wrap(a << (b & 63n));
    case '>>':
      return wrap(a >> (b & 63n));
    case '<':
      return a < b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '&':
      return wrap(a & b);
    case '^':
      return wrap(a ^ b);
    case '|':
      return wrap(a | b);
  }
  throw syntax();
}
