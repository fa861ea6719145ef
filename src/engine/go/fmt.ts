/**
 * Go's `fmt` `%v` for Go values, as `fmt.Sprint` and text/template print them.
 */
import { formatFloat } from './printf.ts';
import { goTimeString } from './time.ts';
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

/**
 * Formats an int the way Go does (plain decimal, every digit: an int64 beyond 2^53 that a float64
 * holds exactly prints exactly). Non-integers print like float64 `%v`.
 */
export function formatGoNumber(n: number): string {
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return formatGoFloat(n);
}

/** float64 with `%v`: `strconv.FormatFloat(f, 'g', -1, 64)`, exponent form from 1e21 (fmt's %v). */
export function formatGoFloat(n: number): string {
  return formatFloat(n, 'g', -1);
}

export { goTimeString } from './time.ts';
