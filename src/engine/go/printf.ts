/**
 * Go's `fmt.Sprintf`, `fmt.Sprint` and `fmt.Sprintln` over Go values, as a template's `printf`,
 * `print` and `println` call them: verbs, flags, width and precision, and Go's error forms
 * (`%!d(string=foo)`, `%!s(MISSING)`, `%!(EXTRA int=1)`).
 */
import { goTimeString } from './time.ts';
import type { GoStruct, GoValue } from './values.ts';

/** What fmt prints for a non-nil pointer nested in a value; an address never repeats between runs. */
const ADDRESS = 0xc000010000;

/** The Go type of a value, as `%T` and error messages print it (best effort where the model is untyped). */
export function goTypeName(v: GoValue | undefined): string {
  if (v === undefined || v === null) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  switch (v.kind) {
    case 'float':
      return 'float64';
    case 'time':
      return 'time.Time';
    case 'func':
      return 'func(...interface {}) interface {}';
    case 'struct':
      return v.type ?? 'struct {}';
    case 'ptr':
      return `*${v.elem === null ? 'interface {}' : goTypeName(v.elem)}`;
    case 'slice':
      return `[]${v.elemType ?? (v.items[0] === undefined ? 'interface {}' : goTypeName(v.items[0]))}`;
    case 'map':
      return `map[string]${v.zero === undefined ? 'interface {}' : goTypeName(v.zero)}`;
  }
}

export function sprintf(format: string, args: readonly GoValue[]): string {
  return new Printer().doPrintf(format, args);
}

/** `fmt.Sprint`: spaces between operands when neither is a string. */
export function sprintArgs(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && typeof args[i - 1] !== 'string') p.buf += ' ';
    p.printArg(arg, 'v');
  });
  return p.buf;
}

/** `fmt.Sprintln`: spaces always, and a newline. */
export function sprintlnArgs(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.buf += ' ';
    p.printArg(arg, 'v');
  });
  return `${p.buf}\n`;
}

/** A single value with `%v` (used by error messages such as `range can't iterate over %v`). */
export function sprintV(v: GoValue): string {
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}

const runeCount = (s: string): number => Array.from(s).length;
const isPrint = (ch: string): boolean => ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);

/** `strconv.Quote` (or `QuoteToASCII` with `ascii`). */
export function goQuote(s: string, ascii = false, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const named: Record<string, string> = {
      '\x07': '\\a',
      '\b': '\\b',
      '\f': '\\f',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
      '\v': '\\v',
    };
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (named[ch] !== undefined) out += named[ch];
    else if (isPrint(ch) && (!ascii || c < 0x80)) out += ch;
    else if (c < 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

class Printer {
  buf = '';
  plus = false;
  minus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  widPresent = false;
  prec = 0;
  precPresent = false;
  private reordered = false;
  private goodArgNum = true;

  private clearFlags(): void {
    this.plus = this.minus = this.sharp = this.space = this.zero = this.plusV = this.sharpV = false;
    this.wid = this.prec = 0;
    this.widPresent = this.precPresent = false;
  }

  doPrintf(format: string, a: readonly GoValue[]): string {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let i = 0;
    while (i < end) {
      this.goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.clearFlags();
      flags: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case '#':
            this.sharp = true;
            break;
          case '0':
            this.zero = !this.minus;
            break;
          case '+':
            this.plus = true;
            break;
          case '-':
            this.minus = true;
            this.zero = false;
            break;
          case ' ':
            this.space = true;
            break;
          default:
            break flags;
        }
      }
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (format[i] === '*') {
        i++;
        [this.wid, this.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parseNum(format, i);
        if (afterIndex && this.widPresent) this.goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) this.goodArgNum = false;
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (format[i] === '*') {
          i++;
          [this.prec, this.precPresent, argNum] = intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parseNum(format, i);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const verb = String.fromCodePoint(format.codePointAt(i)!);
      i += verb.length;
      if (verb === '%') this.buf += '%';
      else if (!this.goodArgNum) this.buf += `%!${verb}(BADINDEX)`;
      else if (argNum >= a.length) this.buf += `%!${verb}(MISSING)`;
      else {
        if (verb === 'v') {
          this.sharpV = this.sharp;
          this.sharp = false;
          this.plusV = this.plus;
          this.plus = false;
        }
        this.printArg(a[argNum]!, verb);
        argNum++;
      }
    }
    if (!this.reordered && argNum < a.length) {
      this.clearFlags();
      this.buf += '%!(EXTRA ';
      a.slice(argNum).forEach((arg, j) => {
        if (j > 0) this.buf += ', ';
        if (arg === null) this.buf += '<nil>';
        else {
          this.buf += `${goTypeName(arg)}=`;
          this.printArg(arg, 'v');
        }
      });
      this.buf += ')';
    }
    return this.buf;
  }

  private argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format[i] !== '[') return [argNum, i, false];
    this.reordered = true;
    const close = format.indexOf(']', i + 1);
    if (close < 0 || format.length - i < 3) {
      this.goodArgNum = false;
      return [argNum, i + 1, false];
    }
    const [n, ok, newi] = parseNum(format, i + 1);
    if (!ok || newi !== close) {
      this.goodArgNum = false;
      return [argNum, close + 1, false];
    }
    if (n - 1 >= 0 && n - 1 < numArgs) return [n - 1, close + 1, true];
    this.goodArgNum = false;
    return [argNum, close + 1, true];
  }

  // ---- padding ----

  private writePadding(n: number): void {
    if (n > 0) this.buf += (this.zero ? '0' : ' ').repeat(n);
  }

  private pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      if (width > 0) this.buf += ' '.repeat(width);
    }
  }

  private truncate(s: string): string {
    if (!this.precPresent) return s;
    return Array.from(s).slice(0, this.prec).join('');
  }

  // ---- dispatch ----

  printArg(arg: GoValue, verb: string): void {
    if (arg === null) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null);
      return;
    }
    if (verb === 'T') {
      this.fmtString(goTypeName(arg), 's');
      return;
    }
    this.printValue(arg, verb, 0);
  }

  private printValue(v: GoValue, verb: string, depth: number): void {
    if (v === null) {
      this.pad('<nil>');
      return;
    }
    if (typeof v === 'boolean') {
      if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
      else this.badVerb(verb, v);
      return;
    }
    if (typeof v === 'number') {
      if (Number.isInteger(v)) this.fmtIntegerVerb(v, verb);
      else this.fmtFloatVerb(v, verb);
      return;
    }
    if (typeof v === 'string') {
      this.fmtString(v, verb);
      return;
    }
    switch (v.kind) {
      case 'float':
        this.fmtFloatVerb(v.value, verb);
        return;
      case 'time':
        // time.Time is a Stringer: the string verbs use String().
        if ('vsxXq'.includes(verb)) this.fmtString(goTimeString(v.rfc3339), verb);
        else this.badVerb(verb, v);
        return;
      case 'func':
        this.fmtPointer(0x4a5b60, verb, v);
        return;
      case 'map': {
        this.buf += 'map[';
        Object.keys(v.entries)
          .sort()
          .forEach((k, i) => {
            if (i > 0) this.buf += ' ';
            this.printValue(k, verb, depth + 1);
            this.buf += ':';
            this.printValue(v.entries[k] ?? null, verb, depth + 1);
          });
        this.buf += ']';
        return;
      }
      case 'struct':
        this.printStruct(v, verb, depth);
        return;
      case 'slice':
        // A []byte under %s, %q, %x, %X prints as the string it holds.
        if (v.elemType === 'uint8' && 'sqxX'.includes(verb)) {
          this.fmtString(Buffer.from(v.items as number[]).toString('utf8'), verb);
          return;
        }
        this.buf += '[';
        v.items.forEach((item, i) => {
          if (i > 0) this.buf += ' ';
          this.printValue(item, verb, depth + 1);
        });
        this.buf += ']';
        return;
      case 'ptr': {
        const e = v.elem;
        if (
          depth === 0 &&
          e !== null &&
          typeof e === 'object' &&
          ['struct', 'slice', 'map'].includes(e.kind)
        ) {
          this.buf += '&';
          this.printValue(e, verb, depth + 1);
          return;
        }
        this.fmtPointer(e === null ? 0 : ADDRESS, verb, v);
        return;
      }
    }
  }

  private printStruct(v: GoStruct, verb: string, depth: number): void {
    this.buf += '{';
    v.fields.forEach((field, i) => {
      if (i > 0) this.buf += ' ';
      if (this.plusV || this.sharpV) this.buf += `${field.name}:`;
      this.printValue(field.value, verb, depth + 1);
    });
    this.buf += '}';
  }

  private badVerb(verb: string, v: GoValue): void {
    this.buf += `%!${verb}(`;
    if (v === null) this.buf += '<nil>';
    else {
      this.buf += `${goTypeName(v)}=`;
      this.printArg(v, 'v');
    }
    this.buf += ')';
  }

  private fmtPointer(u: number, verb: string, v: GoValue): void {
    if (verb === 'v') {
      if (u === 0) this.pad('<nil>');
      else this.pad(`0x${u.toString(16)}`);
    } else if (verb === 'p') this.pad(`0x${u.toString(16)}`);
    else if ('bodxX'.includes(verb)) this.fmtIntegerVerb(u, verb);
    else this.badVerb(verb, v);
  }

  // ---- strings ----

  private fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
      case 's':
        this.pad(this.truncate(s));
        return;
      case 'q': {
        const t = this.truncate(s);
        if (this.sharp && !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(t)) this.pad(`\`${t}\``);
        else this.pad(goQuote(t, this.plus));
        return;
      }
      case 'x':
      case 'X':
        this.fmtSbx(s, verb === 'X' ? '0123456789ABCDEF' : '0123456789abcdef');
        return;
      default:
        this.badVerb(verb, s);
    }
  }

  private fmtSbx(s: string, digits: string): void {
    let bytes = [...Buffer.from(s, 'utf8')];
    if (this.precPresent && this.prec < bytes.length) bytes = bytes.slice(0, this.prec);
    const prefix = this.sharp ? (digits[10] === 'a' ? '0x' : '0X') : '';
    const parts = bytes.map((b) => digits[b >> 4]! + digits[b & 15]!);
    let out: string;
    if (this.space) out = parts.map((p) => prefix + p).join(' ');
    else out = (parts.length > 0 ? prefix : '') + parts.join('');
    const oldZero = this.zero;
    this.zero = false;
    this.pad(out);
    this.zero = oldZero;
  }

  // ---- integers ----

  private fmtIntegerVerb(n: number, verb: string): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtInteger(n, 10, verb, '0123456789abcdefx');
        return;
      case 'b':
        this.fmtInteger(n, 2, verb, '0123456789abcdefx');
        return;
      case 'o':
      case 'O':
        this.fmtInteger(n, 8, verb, '0123456789abcdefx');
        return;
      case 'x':
        this.fmtInteger(n, 16, verb, '0123456789abcdefx');
        return;
      case 'X':
        this.fmtInteger(n, 16, verb, '0123456789ABCDEFX');
        return;
      case 'c':
        this.pad(this.truncate(validRune(n)));
        return;
      case 'q':
        this.pad(goQuote(validRune(n), this.plus, "'"));
        return;
      case 'U': {
        let s = `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
        if (this.sharp && n >= 0 && n <= 0x10ffff && isPrint(String.fromCodePoint(n))) {
          s += ` '${String.fromCodePoint(n)}'`;
        }
        const oldZero = this.zero;
        this.zero = false;
        this.pad(s);
        this.zero = oldZero;
        return;
      }
      default:
        this.badVerb(verb, n);
    }
  }

  private fmtInteger(n: number, base: number, verb: string, digits: string): void {
    const negative = n < 0;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && n === 0) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s = Array.from(Math.abs(n).toString(base), (c) => digits[Number.parseInt(c, base)]!).join('');
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = `0b${s}`;
      else if (base === 8 && s[0] !== '0') s = `0${s}`;
      else if (base === 16) s = `0${digits[16]}${s}`;
    }
    if (verb === 'O') s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (this.plus) s = `+${s}`;
    else if (this.space) s = ` ${s}`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  // ---- floats ----

  private fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(v, 'g', -1);
        return;
      case 'g':
      case 'G':
        this.fmtFloat(v, verb, this.precPresent ? this.prec : -1);
        return;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
        this.fmtFloat(v, verb, this.precPresent ? this.prec : 6);
        return;
      default:
        this.badVerb(verb, { kind: 'float', value: v });
    }
  }

  private fmtFloat(v: number, verb: string, prec: number): void {
    let num = formatFloat(v, verb, prec);
    num = num[0] === '-' || num[0] === '+' ? num : `+${num}`;
    if (this.space && num[0] === '+' && !this.plus) num = ` ${num.slice(1)}`;
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }
}

function validRune(n: number): string {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n < 0xe000) ? String.fromCodePoint(n) : '\ufffd';
}

function parseNum(s: string, start: number): [number, boolean, number] {
  let i = start;
  let n = 0;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
    if (n > 1e6) return [0, false, s.length];
    n = n * 10 + (s.charCodeAt(i) - 48);
    i++;
  }
  return [n, i > start, i];
}

function intFromArg(a: readonly GoValue[], argNum: number): [number, boolean, number] {
  if (argNum >= a.length) return [0, false, argNum];
  const v = a[argNum];
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 1e6) return [v, true, argNum + 1];
  return [0, false, argNum + 1];
}

// ---- strconv.FormatFloat ----

interface Decimal {
  digits: string;
  /** Decimal point position: value = 0.digits × 10^dp. */
  dp: number;
}

/** The exact decimal expansion of a finite positive double. */
function exactDecimal(x: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = biased - 1075;
  if (biased === 0) exp = -1074;
  else mant |= 1n << 52n;
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  digits = digits.replace(/0+$/, '');
  return { digits, dp };
}

/** Rounds to `nd` digits, half to even on the exact value (as strconv does). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: 0 };
  if (nd >= d.digits.length) return d;
  const next = d.digits[nd]!;
  let up = next > '5';
  if (next === '5') {
    up = nd + 1 < d.digits.length || (nd > 0 && Number(d.digits[nd - 1]) % 2 === 1);
  }
  let digits = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    let i = digits.length - 1;
    while (i >= 0 && digits[i] === '9') i--;
    if (i < 0) {
      digits = '1';
      dp++;
    } else digits = digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1);
  }
  return { digits: digits.replace(/0+$/, ''), dp };
}

/** The shortest decimal that reads back as `x` (what Go's shortest formatting picks). */
function shortestDecimal(x: number): Decimal {
  const [mant, e] = x.toExponential().split('e');
  const digits = mant!.replace('.', '').replace(/0+$/, '');
  return { digits, dp: Number(e) + 1 };
}

/** `strconv.FormatFloat(v, fmt, prec, 64)` for e, E, f, F, g, G. */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const x = Math.abs(v);
  const shortest = prec < 0;
  let d: Decimal;
  if (x === 0) d = { digits: '', dp: 0 };
  else if (shortest) d = shortestDecimal(x);
  else {
    const exact = exactDecimal(x);
    if (fmt === 'e' || fmt === 'E') d = roundDecimal(exact, prec + 1);
    else if (fmt === 'f' || fmt === 'F') d = roundDecimal(exact, exact.dp + prec);
    else d = roundDecimal(exact, prec === 0 ? 1 : prec);
  }
  const sign = neg ? '-' : '';
  const nd = d.digits.length;
  switch (fmt) {
    case 'e':
    case 'E':
      return sign + fmtE(d, shortest ? Math.max(nd - 1, 0) : prec, fmt);
    case 'f':
    case 'F':
      return sign + fmtF(d, shortest ? Math.max(nd - d.dp, 0) : prec);
    default: {
      let p = shortest ? nd : prec === 0 ? 1 : prec;
      let eprec = p;
      if (eprec > nd && nd >= d.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (p > nd) p = nd;
        return sign + fmtE(d, p - 1, fmt === 'G' ? 'E' : 'e');
      }
      if (p > d.dp) p = nd;
      return sign + fmtF(d, Math.max(p - d.dp, 0));
    }
  }
}

function fmtE(d: Decimal, prec: number, e: string): string {
  let out = d.digits[0] ?? '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += d.digits[i] ?? '0';
  }
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
}

function fmtF(d: Decimal, prec: number): string {
  let out = '';
  if (d.dp > 0) {
    out = d.digits.slice(0, d.dp);
    out += '0'.repeat(Math.max(d.dp - d.digits.length, 0));
  } else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      out += j >= 0 && j < d.digits.length ? d.digits[j] : '0';
    }
  }
  return out;
}
