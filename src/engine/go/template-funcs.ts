/**
 * Functions of Go's `text/template` (`funcs.go`, Go 1.18+: `and`/`or` short-circuit, `slice`,
 * `eq` with several arguments) and the docker CLI's `basicFunctions` (`templates/templates.go`).
 *
 * Each function has the Go signature's parameter kinds so the executor checks arguments as
 * `reflect` would, with Go's messages. A function reports a Go error by throwing an `Error`.
 */
import { marshal } from './json.ts';
import { goTypeName, sprintArgs, sprintf, sprintlnArgs } from './printf.ts';
import { deref, type GoValue, goSlice } from './values.ts';

/** A value during execution; `undefined` is Go's invalid `reflect.Value` (a missing key, untyped nil). */
export type Val = GoValue | undefined;

/**
 * How a parameter receives its argument: `any` is `interface{}` (an invalid value becomes nil),
 * `value` is `reflect.Value` (passed as is); the others are Go's typed parameters.
 */
export type ParamType = 'any' | 'value' | 'string' | 'int' | 'strings';

export interface FuncSpec {
  readonly params: readonly ParamType[];
  /** The element type of a final `...` parameter. */
  readonly variadic?: ParamType;
  readonly builtin?: boolean;
  readonly call: (...args: Val[]) => Val;
}

const spec = (params: ParamType[], call: (...args: Val[]) => Val, variadic?: ParamType): FuncSpec =>
  variadic ? { params, variadic, builtin: true, call } : { params, builtin: true, call };

/** A function of the template's FuncMap or a method: `interface{}` parameters, arity from `fn.length`. */
export function userFunc(call: (...args: GoValue[]) => GoValue): FuncSpec {
  const wrapped = (...args: Val[]): Val => call(...args.map((a) => (a === undefined ? null : a)));
  // A JS function declared with rest parameters has length 0: accept any arguments.
  if (call.length === 0) return { params: [], variadic: 'any', call: wrapped };
  return { params: Array<ParamType>(call.length).fill('any'), call: wrapped };
}

/** Go's truth: false for invalid, nil, zero numbers, empty strings, maps and slices, nil pointers. */
export function isTrue(v: Val): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  switch (v.kind) {
    case 'float':
      return v.value !== 0;
    case 'map':
      return Object.keys(v.entries).length > 0;
    case 'slice':
      return v.items.length > 0;
    case 'ptr':
      return v.elem !== null;
    case 'func':
    case 'struct':
    case 'time':
      return true;
  }
}

// ---- comparison ----

type Kind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'other';

function basicKind(v: Val): Kind {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return v.kind === 'float' ? 'float' : 'other';
}

const num = (v: Val): number =>
  typeof v === 'number' ? v : v !== null && typeof v === 'object' && v.kind === 'float' ? v.value : 0;

function eq(arg1: Val, ...arg2: Val[]): Val {
  if (arg2.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth: boolean;
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new Error('incompatible types for comparison');
      truth = false;
    } else if (k1 === 'int' || k1 === 'float') truth = num(arg1) === num(arg);
    else if (k1 === 'bool' || k1 === 'string') truth = arg1 === arg;
    else if (k1 === 'invalid') truth = true;
    else truth = compareOther(arg1!, arg!);
    if (truth) return true;
  }
  return false;
}

/** `==` on non-basic values: pointers by identity, structs field by field; maps, slices and funcs can't. */
function compareOther(a: GoValue, b: GoValue): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  for (const v of [b, a]) {
    if (v.kind === 'map' || v.kind === 'slice' || v.kind === 'func') {
      throw new Error(`non-comparable type ${sprintArgs([v])}: ${goTypeName(v)}`);
    }
  }
  if (a.kind === 'ptr' && b.kind === 'ptr') return a === b || (a.elem === null && b.elem === null);
  if (a.kind === 'time' && b.kind === 'time') return a.rfc3339 === b.rfc3339;
  if (a.kind === 'struct' && b.kind === 'struct') {
    if (a.type !== b.type) throw new Error('incompatible types for comparison');
    return a.fields.every((f, i) => {
      const g = b.fields[i];
      return g !== undefined && basicKind(f.value) === basicKind(g.value) && eqLoose(f.value, g.value);
    });
  }
  throw new Error('incompatible types for comparison');
}

const eqLoose = (a: GoValue, b: GoValue): boolean => {
  const k = basicKind(a);
  if (k === 'int' || k === 'float') return num(a) === num(b);
  if (k === 'other') return compareOther(a, b);
  return a === b;
};

function lt(arg1: Val, arg2: Val): boolean {
  const k1 = basicKind(arg1);
  const k2 = basicKind(arg2);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') {
    throw new Error('invalid type for comparison');
  }
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  if (k1 === 'string') return Buffer.compare(Buffer.from(arg1 as string), Buffer.from(arg2 as string)) < 0;
  return num(arg1) < num(arg2);
}

const le = (a: Val, b: Val): boolean => lt(a, b) || (eq(a, b) as boolean);

// ---- indexing ----

function indexArg(index: Val, cap: number): number {
  if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  if (index < 0 || index > cap) throw new Error(`index out of range: ${index}`);
  return index;
}

function index(item: Val, ...indexes: Val[]): Val {
  let cur = item;
  if (cur === undefined || cur === null) throw new Error('index of untyped nil');
  for (const idx of indexes) {
    if (cur !== null && typeof cur === 'object' && cur.kind === 'ptr') {
      cur = deref(cur);
      if (cur === null) throw new Error('index of nil pointer');
    }
    if (cur === undefined || cur === null) throw new Error('index of nil pointer');
    if (typeof cur === 'string') {
      const bytes: Buffer = Buffer.from(cur, 'utf8');
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new Error(`index out of range: ${x}`);
      cur = bytes[x]!;
    } else if (typeof cur === 'object' && cur.kind === 'slice') {
      const x = indexArg(idx, cur.items.length);
      if (x === cur.items.length) throw new Error(`index out of range: ${x}`);
      cur = cur.items[x]!;
    } else if (typeof cur === 'object' && cur.kind === 'map') {
      if (idx === undefined || idx === null) throw new Error('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new Error(`value has type ${goTypeName(idx)}; should be string`);
      cur = Object.hasOwn(cur.entries, idx) ? cur.entries[idx]! : cur.zero;
    } else {
      throw new Error(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: Val, ...indexes: Val[]): Val {
  if (item === undefined || item === null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = Buffer.byteLength(item);
  } else if (typeof item === 'object' && item.kind === 'slice') len = item.items.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, len);
  });
  const [i, j, k] = idx as [number, number, number];
  if (i > j) throw new Error(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) throw new Error(`invalid slice index: ${j} > ${k}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(i, j).toString('utf8');
  return goSlice(item.items.slice(i, j));
}

function length(item: Val): Val {
  const v = item === undefined || item === null ? item : deref(item);
  if (item !== null && typeof item === 'object' && item.kind === 'ptr' && v === null) {
    throw new Error('len of nil pointer');
  }
  if (v === undefined || v === null) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (typeof v === 'object' && v.kind === 'map') return Object.keys(v.entries).length;
  if (typeof v === 'object' && v.kind === 'slice') return v.items.length;
  throw new Error(`len of type ${goTypeName(v)}`);
}

function call(fn: Val, ...args: Val[]): Val {
  if (fn === undefined || fn === null) throw new Error('call of nil');
  if (typeof fn !== 'object' || fn.kind !== 'func') throw new Error(`non-function of type ${goTypeName(fn)}`);
  const n = fn.call.length;
  if (n > 0 && args.length !== n) throw new Error(`wrong number of args: got ${args.length} want ${n}`);
  return fn.call(...args.map((a) => (a === undefined ? null : a)));
}

// ---- escaping ----

/** Arguments as text/template's escapers see them: pointers followed, invalid values as `<no value>`. */
function evalArgs(args: Val[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprintArgs(
    args.map((a) => {
      if (a === undefined || a === null) return '<no value>';
      return typeof a === 'object' && a.kind === 'ptr' ? deref(a) : a;
    }),
  );
}

const HTML_ESCAPES: Record<string, string> = {
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

export const htmlEscape = (s: string): string => s.replace(/["'&<>]/g, (c) => HTML_ESCAPES[c]!);

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const named: Record<string, string> = {
      '\\': '\\\\',
      "'": "\\'",
      '"': '\\"',
      '<': '\\u003C',
      '>': '\\u003E',
      '&': '\\u0026',
      '=': '\\u003D',
    };
    if (named[ch] !== undefined) out += named[ch];
    else if (c < 0x20) out += `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c < 0x80 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** `url.QueryEscape`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export const builtinFuncs: Readonly<Record<string, FuncSpec>> = {
  and: spec(['value'], () => undefined, 'value'), // evaluated lazily by the executor
  or: spec(['value'], () => undefined, 'value'),
  not: spec(['value'], (v) => !isTrue(v)),
  call: spec(['value'], call, 'value'),
  html: spec([], (...a) => htmlEscape(evalArgs(a)), 'any'),
  js: spec([], (...a) => jsEscape(evalArgs(a)), 'any'),
  urlquery: spec([], (...a) => queryEscape(evalArgs(a)), 'any'),
  index: spec(['value'], index, 'value'),
  slice: spec(['value'], slice, 'value'),
  len: spec(['value'], length),
  print: spec([], (...a) => sprintArgs(a as GoValue[]), 'any'),
  printf: spec(['string'], (f, ...a) => sprintf(f as string, a as GoValue[]), 'any'),
  println: spec([], (...a) => sprintlnArgs(a as GoValue[]), 'any'),
  eq: spec(['value'], eq, 'value'),
  ne: spec(['value', 'value'], (a, b) => !eq(a, b)),
  lt: spec(['value', 'value'], lt),
  le: spec(['value', 'value'], le),
  gt: spec(['value', 'value'], (a, b) => !le(a, b)),
  ge: spec(['value', 'value'], (a, b) => !lt(a, b)),
};

// ---- docker's basicFunctions ----

/** `strings.Title`: upper-cases the first letter of each word. */
export function goTitle(s: string): string {
  const isSeparator = (r: string): boolean => {
    if (r.codePointAt(0)! <= 0x7f) return !/[0-9a-zA-Z_]/.test(r);
    if (/[\p{L}\p{Nd}]/u.test(r)) return false;
    return /\s/u.test(r);
  };
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? toTitleRune(ch) : ch;
    prev = ch;
  }
  return out;
}

const mapRunes = (s: string, f: (ch: string) => string): string =>
  Array.from(s, (ch) => {
    const m = f(ch);
    return Array.from(m).length === 1 ? m : ch;
  }).join('');

const toTitleRune = (ch: string): string => mapRunes(ch, (c) => c.toUpperCase());

/** `strings.Split`. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return Array.from(s);
  return s.split(sep);
}

export const dockerFuncSpecs: Readonly<Record<string, FuncSpec>> = {
  json: spec(['any'], (v) => marshal(v ?? null, { escapeHTML: false }).trim()),
  split: spec(['string', 'string'], (s, sep) => goSlice(goSplit(s as string, sep as string))),
  join: spec(['strings', 'string'], (elems, sep) => {
    const items = elems !== null && typeof elems === 'object' && elems.kind === 'slice' ? elems.items : [];
    return items.join(sep as string);
  }),
  title: spec(['string'], (s) => goTitle(s as string)),
  lower: spec(['string'], (s) => mapRunes(s as string, (c) => c.toLowerCase())),
  upper: spec(['string'], (s) => mapRunes(s as string, (c) => c.toUpperCase())),
  pad: spec(['string', 'int', 'int'], (s, prefix, suffix) => {
    if (s === '') return '';
    if ((prefix as number) < 0 || (suffix as number) < 0) throw new Error('strings: negative Repeat count');
    return ' '.repeat(prefix as number) + (s as string) + ' '.repeat(suffix as number);
  }),
  truncate: spec(['string', 'int'], (s, n) => {
    const length = n as number;
    const bytes = Buffer.from(s as string, 'utf8');
    if (bytes.length < length) return s as string;
    if (length < 0) throw new Error(`runtime error: slice bounds out of range [:${length}]`);
    return bytes.subarray(0, length).toString('utf8');
  }),
};
