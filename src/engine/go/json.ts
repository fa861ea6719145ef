/**
 * Go's `encoding/json` for Go values: struct field order and tags, `omitempty`, sorted map keys,
 * nil maps and slices as `null`, HTML-safe escaping; and `MarshalIndent` as `docker inspect` prints.
 */

import { formatGoNumber } from './fmt.ts';
import { formatFloat } from './printf.ts';
import { deref, type GoField, type GoValue, isZero } from './values.ts';

/** `json.Marshal(v)`; `escapeHTML: false` as a `json.Encoder` with `SetEscapeHTML(false)`. */
export function marshal(v: GoValue, opts: { escapeHTML?: boolean } = {}): string {
  return encode(v, null, '', 0, opts.escapeHTML !== false);
}

/** `json.MarshalIndent(v, prefix, indent)`. */
export function marshalIndent(v: GoValue, indent = '    ', prefix = ''): string {
  return encode(v, indent, prefix, 0);
}

function encode(v: GoValue, indent: string | null, prefix: string, depth: number, html = true): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v, html);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? formatGoNumber(v) : jsonFloat(v);
  switch (v.kind) {
    case 'float':
      return jsonFloat(v.value);
    case 'time':
      return quote(rfc3339Nano(v.rfc3339), html);
    case 'func':
      return 'null';
    case 'ptr':
      return v.elem === null ? 'null' : encode(v.elem, indent, prefix, depth, html);
    case 'slice':
      if (v.nil) return 'null';
      return wrap(
        '[',
        ']',
        v.items.map((item) => encode(item, indent, prefix, depth + 1, html)),
        indent,
        prefix,
        depth,
      );
    case 'map': {
      if (v.nil) return 'null';
      const keys = Object.keys(v.entries).sort();
      const sep = indent === null ? ':' : ': ';
      return wrap(
        '{',
        '}',
        keys.map(
          (k) => `${quote(k, html)}${sep}${encode(v.entries[k] ?? null, indent, prefix, depth + 1, html)}`,
        ),
        indent,
        prefix,
        depth,
      );
    }
    case 'struct': {
      const sep = indent === null ? ':' : ': ';
      const esc = html || v.marshalEscapesHTML === true;
      const parts: string[] = [];
      for (const [key, value] of jsonFields(v.fields)) {
        parts.push(`${quote(key, esc)}${sep}${encode(value, indent, prefix, depth + 1, esc)}`);
      }
      return wrap('{', '}', parts, indent, prefix, depth);
    }
  }
}

/** The (key, value) pairs a struct contributes to JSON, embedded structs flattened. */
export function jsonFields(fields: readonly GoField[]): Array<[string, GoValue]> {
  const out: Array<[string, GoValue]> = [];
  for (const field of fields) {
    if (field.json === '-') continue;
    if (field.embedded) {
      const inner = deref(field.value);
      if (inner !== null && typeof inner === 'object' && inner.kind === 'struct') {
        out.push(...jsonFields(inner.fields));
      }
      continue;
    }
    if (field.omitempty && isZero(field.value)) continue;
    out.push([field.json ?? field.name, field.value]);
  }
  return out;
}

function wrap(
  open: string,
  close: string,
  parts: string[],
  indent: string | null,
  prefix: string,
  depth: number,
): string {
  if (parts.length === 0) return open + close;
  if (indent === null) return open + parts.join(',') + close;
  const inner = `\n${prefix}${indent.repeat(depth + 1)}`;
  return `${open}${inner}${parts.join(`,${inner}`)}\n${prefix}${indent.repeat(depth)}${close}`;
}

function jsonFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // encoding/json: 'f' form, or 'e' below 1e-6 and from 1e21, with e-07 written e-7.
  const abs = Math.abs(n);
  const exp = abs !== 0 && (abs < 1e-6 || abs >= 1e21);
  const s = formatFloat(n, exp ? 'e' : 'f', -1);
  return exp ? s.replace(/e([+-])0(\d)$/, 'e$1$2') : s;
}

/**
 * Go's string encoding: `<`, `>`, `&` (unless `escapeHTML` is false), U+2028 and U+2029 escaped;
 * control characters as \u00XX.
 */
export function quote(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (
      c < 0x20 ||
      (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) ||
      c === 0x2028 ||
      c === 0x2029
    ) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** RFC 3339 with trailing zero nanoseconds trimmed, as `time.RFC3339Nano` formats. */
export function rfc3339Nano(rfc3339: string): string {
  return rfc3339.replace(/\.(\d*?)0+Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/**
 * Turns plain decoded JSON (as `map[string]interface{}` holds it) into Go values. Numbers are
 * float64, or with `useNumber` `json.Number` (printed as written), as `Decoder.UseNumber` gives.
 */
export function fromPlainJson(v: unknown, useNumber = false): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return useNumber ? String(v) : { kind: 'float', value: v };
  if (Array.isArray(v))
    return { kind: 'slice', items: v.map((x) => fromPlainJson(x, useNumber)), elemType: 'interface {}' };
  const entries: Record<string, GoValue> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>))
    entries[k] = fromPlainJson(val, useNumber);
  return { kind: 'map', entries, zero: undefined };
}
