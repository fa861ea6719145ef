/**
 * Request bodies decoded as the daemon's `json.NewDecoder(r.Body).Decode(&req)` does (Go 1.19):
 * the same syntax error texts (`invalid character 'o' in literal null (expecting 'u')`,
 * `unexpected EOF`), the first value only (trailing bytes ignored), unknown fields ignored, and
 * type mismatches reported as `json: cannot unmarshal number into Go struct field X.Y of type string`.
 */

/** A Go type, as much of it as decoding needs. */
export type GoType =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int'; name?: string }
  | { kind: 'float' }
  | { kind: 'any' }
  | { kind: 'slice'; elem: GoType }
  /** `strslice.StrSlice`: a list of strings, or one string standing for a list of one. */
  | { kind: 'strslice' }
  | { kind: 'map'; elem: GoType }
  | { kind: 'ptr'; elem: GoType }
  /** `pkg`: the package `reflect.Type.String()` names it with (`types` for `types.AuthConfig`). */
  | { kind: 'struct'; name: string; pkg?: string; fields: Record<string, GoType> };

export const T = {
  string: { kind: 'string' } as GoType,
  bool: { kind: 'bool' } as GoType,
  int: { kind: 'int' } as GoType,
  int64: { kind: 'int', name: 'int64' } as GoType,
  uint16: { kind: 'int', name: 'uint16' } as GoType,
  any: { kind: 'any' } as GoType,
  slice: (elem: GoType): GoType => ({ kind: 'slice', elem }),
  strslice: { kind: 'strslice' } as GoType,
  map: (elem: GoType): GoType => ({ kind: 'map', elem }),
  ptr: (elem: GoType): GoType => ({ kind: 'ptr', elem }),
  struct: (name: string, fields: Record<string, GoType>, pkg?: string): GoType => ({
    kind: 'struct',
    name,
    ...(pkg ? { pkg } : {}),
    fields,
  }),
};

/** The body ended before any value: the daemon's handlers turn this into their own message. */
export class JsonEOF extends Error {
  constructor() {
    super('EOF');
  }
}

/** A syntax or type error, with Go's text. */
export class JsonDecodeError extends Error {}

/** Parses the first JSON value in `text`, or throws JsonEOF / JsonDecodeError with Go's messages. */
export function parseGoJson(text: string): unknown {
  const p = new Parser(text);
  p.skipSpace();
  if (p.pos >= text.length) throw new JsonEOF();
  return p.value();
}

/** Decodes `text` into `type`: the parsed value, or Go's first type error. */
export function decodeGoJson(text: string, type: GoType): unknown {
  const value = parseGoJson(text);
  const err = typeCheck(value, type, null, []);
  if (err) throw new JsonDecodeError(err);
  return value;
}

function goQuoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

/**
 * encoding/json refuses nesting deeper than 10000 with `exceeded max depth`. This recursive parser
 * would run out of stack before that, so it gives the same answer from 2000 levels on: only a
 * body nested between 2000 and 10000 deep is answered differently from the daemon.
 */
const MAX_NESTING_DEPTH = 2000;

class Parser {
  pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  skipSpace(): void {
    while (this.pos < this.s.length && ' \t\r\n'.includes(this.s[this.pos]!)) this.pos++;
  }

  private fail(context: string): never {
    if (this.pos >= this.s.length) throw new JsonDecodeError('unexpected EOF');
    throw new JsonDecodeError(`invalid character ${goQuoteChar(this.s[this.pos]!)} ${context}`);
  }

  value(): unknown {
    this.skipSpace();
    const c = this.s[this.pos];
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_NESTING_DEPTH) throw new JsonDecodeError('exceeded max depth');
      const v = c === '{' ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    return this.fail('looking for beginning of value');
  }

  private literal(word: string, v: unknown): unknown {
    for (let i = 0; i < word.length; i++) {
      if (this.s[this.pos] !== word[i]) this.fail(`in literal ${word} (expecting '${word[i]}')`);
      this.pos++;
    }
    return v;
  }

  private number(): number {
    const start = this.pos;
    const digit = () => this.pos < this.s.length && this.s[this.pos]! >= '0' && this.s[this.pos]! <= '9';
    if (this.s[this.pos] === '-') {
      this.pos++;
      if (!digit()) this.fail('in numeric literal');
    }
    if (this.s[this.pos] === '0') this.pos++;
    else while (digit()) this.pos++;
    if (this.s[this.pos] === '.') {
      this.pos++;
      if (!digit()) this.fail('after decimal point in numeric literal');
      while (digit()) this.pos++;
    }
    if (this.s[this.pos] === 'e' || this.s[this.pos] === 'E') {
      this.pos++;
      if (this.s[this.pos] === '+' || this.s[this.pos] === '-') this.pos++;
      if (!digit()) this.fail('in exponent of numeric literal');
      while (digit()) this.pos++;
    }
    // A top-level number needs a delimiter to be complete; the Decoder sees EOF as the end.
    return Number(this.s.slice(start, this.pos));
  }

  private string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.s.length) this.fail('');
      const c = this.s[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c < ' ') this.fail('in string literal');
      if (c === '\\') {
        this.pos++;
        const e = this.s[this.pos];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.pos++;
        } else if (e === 'u') {
          this.pos++;
          for (let i = 0; i < 4; i++) {
            if (!/[0-9a-fA-F]/.test(this.s[this.pos + i] ?? '')) {
              this.pos += i;
              this.fail('in \\u hexadecimal character escape');
            }
          }
          out += String.fromCharCode(Number.parseInt(this.s.slice(this.pos, this.pos + 4), 16));
          this.pos += 4;
        } else this.fail('in string escape code');
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = Object.create(null);
    this.skipSpace();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.s[this.pos] !== ':') this.fail('after object key');
      this.pos++;
      out[key] = this.value();
      this.skipSpace();
      if (this.s[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.s[this.pos] === '}') {
        this.pos++;
        return out;
      }
      this.fail('after object key:value pair');
    }
  }

  private array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipSpace();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      if (this.s[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.s[this.pos] === ']') {
        this.pos++;
        return out;
      }
      this.fail('after array element');
    }
  }
}

function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function typeName(t: GoType): string {
  switch (t.kind) {
    case 'string':
    case 'bool':
      return t.kind;
    case 'int':
      return t.name ?? 'int';
    case 'float':
      return 'float64';
    case 'any':
      return 'interface {}';
    case 'slice':
      return `[]${typeName(t.elem)}`;
    case 'strslice':
      return 'string';
    case 'map':
      return `map[string]${typeName(t.elem)}`;
    case 'ptr':
      return `*${typeName(t.elem)}`;
    case 'struct':
      return t.pkg ? `${t.pkg}.${t.name}` : t.name;
  }
}

/**
 * Go's first UnmarshalTypeError for `v` against `t`, or null. Unknown object keys are ignored;
 * JSON null fits any type. `struct` is the innermost struct being filled, `path` the field path.
 */
function typeCheck(v: unknown, t: GoType, struct: string | null, path: string[]): string | null {
  if (v === null || t.kind === 'any') return null;
  if (t.kind === 'ptr') return typeCheck(v, t.elem, struct, path);
  const mismatch = (shown: string) =>
    struct === null
      ? `json: cannot unmarshal ${shown} into Go value of type ${typeName(t)}`
      : `json: cannot unmarshal ${shown} into Go struct field ${struct}.${path.join('.')} of type ${typeName(t)}`;
  const kind = jsonKind(v);
  switch (t.kind) {
    case 'string':
      return kind === 'string' ? null : mismatch(kind);
    case 'bool':
      return kind === 'bool' ? null : mismatch(kind);
    case 'float':
      return kind === 'number' ? null : mismatch(kind);
    case 'int':
      if (kind !== 'number') return mismatch(kind);
      return Number.isInteger(v) ? null : mismatch(`number ${String(v)}`);
    case 'strslice':
      // Its UnmarshalJSON tries a []string, then a string, and returns the second error.
      if (kind === 'string') return null;
      if (kind === 'array' && (v as unknown[]).every((x) => x === null || typeof x === 'string')) return null;
      return mismatch(kind);
    case 'slice':
      if (kind !== 'array') return mismatch(kind);
      for (const item of v as unknown[]) {
        const e = typeCheck(item, t.elem, struct, path);
        if (e) return e;
      }
      return null;
    case 'map':
      if (kind !== 'object') return mismatch(kind);
      for (const item of Object.values(v as Record<string, unknown>)) {
        const e = typeCheck(item, t.elem, struct, path);
        if (e) return e;
      }
      return null;
    case 'struct': {
      if (kind !== 'object') return mismatch(kind);
      const fieldsLower = new Map(Object.keys(t.fields).map((k) => [k.toLowerCase(), k]));
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        // encoding/json matches keys case-insensitively.
        const field = t.fields[key] !== undefined ? key : fieldsLower.get(key.toLowerCase());
        if (field === undefined) continue;
        const e = typeCheck(item, t.fields[field]!, t.name, [...path, field]);
        if (e) return e;
      }
      return null;
    }
  }
}

/** Reads a struct field the way encoding/json fills it: exact key first, then case-insensitive. */
export function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (name in rec) return rec[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(rec)) if (k.toLowerCase() === lower) return rec[k];
  return undefined;
}
