/**
 * Go values, as the docker CLI and daemon hold them.
 *
 * Docker prints its data two ways: as JSON (the Engine API, `inspect`) and through Go's `fmt`
 * (`--format '{{.IPAM.Config}}'` prints `[{172.18.0.0/16  172.18.0.1 map[]}]`). Both depend on
 * the Go types behind the data: field order, zero values, nil against empty, pointers. Engine
 * views are built from these values once, and both printers read them.
 */

/** A value as Go holds it. Plain JS strings and booleans stand for Go's; numbers are ints unless wrapped. */
export type GoValue =
  | string
  | number
  | boolean
  | null
  | GoFloat
  | GoStruct
  | GoMap
  | GoSlice
  | GoPtr
  | GoTime
  | GoFunc;

export interface GoFloat {
  readonly kind: 'float';
  readonly value: number;
}

export interface GoField {
  /** Go field name, as templates reach it (`.IPAM`). */
  readonly name: string;
  /** JSON key; `-` leaves the field out of JSON; defaults to the field name. */
  readonly json?: string;
  /** `omitempty`: left out of JSON when zero. */
  readonly omitempty?: boolean;
  /** An embedded struct: its fields are flattened in JSON and reachable directly in templates. */
  readonly embedded?: boolean;
  readonly value: GoValue;
}

export interface GoStruct {
  readonly kind: 'struct';
  /** Go type name for error messages (`types.NetworkResource`). */
  readonly type?: string;
  readonly fields: readonly GoField[];
  /** Methods callable from templates (`.Label "x"`), not printed and not in JSON. */
  readonly methods?: Readonly<Record<string, GoFunc>>;
  /**
   * Its MarshalJSON calls json.Marshal, so its JSON keeps HTML escaping (`\u003e`) even from an
   * encoder with SetEscapeHTML(false), as the `json` template function (ps context, 179).
   */
  readonly marshalEscapesHTML?: boolean;
}

export interface GoMap {
  readonly kind: 'map';
  readonly entries: Readonly<Record<string, GoValue>>;
  /** A nil map: JSON `null`, but `map[]` in fmt. */
  readonly nil?: boolean;
  /** Value printed for a missing key: the element type's zero value (`<no value>` for interface{}). */
  readonly zero?: GoValue | undefined;
}

export interface GoSlice {
  readonly kind: 'slice';
  readonly items: readonly GoValue[];
  /** A nil slice: JSON `null`, but `[]` in fmt. */
  readonly nil?: boolean;
  /** The element type when it is not the first item's (`interface {}` for decoded JSON). */
  readonly elemType?: string;
}

export interface GoPtr {
  readonly kind: 'ptr';
  readonly elem: GoValue;
}

export interface GoTime {
  readonly kind: 'time';
  /** Nanoseconds are kept as text: RFC 3339 with up to 9 fraction digits, UTC. */
  readonly rfc3339: string;
}

export interface GoFunc {
  readonly kind: 'func';
  readonly call: (...args: GoValue[]) => GoValue;
}

export const goFloat = (value: number): GoFloat => ({ kind: 'float', value });
export const goPtr = (elem: GoValue): GoPtr => ({ kind: 'ptr', elem });
export const goTime = (rfc3339: string): GoTime => ({ kind: 'time', rfc3339 });
export const goFunc = (call: (...args: GoValue[]) => GoValue): GoFunc => ({ kind: 'func', call });
export const goSlice = (items: readonly GoValue[], nil = false): GoSlice => ({ kind: 'slice', items, nil });
export const goStruct = (
  type: string,
  fields: readonly GoField[],
  methods?: Record<string, GoFunc>,
): GoStruct => (methods ? { kind: 'struct', type, fields, methods } : { kind: 'struct', type, fields });

/** A map of strings (`map[string]string`), nil when `entries` is null or undefined. */
export function goStringMap(entries: Readonly<Record<string, string>> | null | undefined): GoMap {
  if (entries == null) return { kind: 'map', entries: {}, nil: true, zero: '' };
  return { kind: 'map', entries: { ...entries }, zero: '' };
}

export function goMap(entries: Readonly<Record<string, GoValue>> | null, zero?: GoValue): GoMap {
  if (entries === null) return { kind: 'map', entries: {}, nil: true, zero };
  return { kind: 'map', entries, zero };
}

/** A field shorthand: `f('Name', value)`, `f('IPRange', v, { json: 'IPRange', omitempty: true })`. */
export function f(name: string, value: GoValue, opts: Omit<GoField, 'name' | 'value'> = {}): GoField {
  return { name, value, ...opts };
}

export function isGoObject(v: GoValue): v is GoFloat | GoStruct | GoMap | GoSlice | GoPtr | GoTime | GoFunc {
  return typeof v === 'object' && v !== null;
}

/**
 * Is `v` empty as encoding/json's `omitempty` tests it (`isEmptyValue`): false, 0, "", a nil
 * pointer (`goPtr(null)`) or interface (`null`), an empty (or nil) map or slice. A struct is never
 * empty, nor a pointer to one, however zero: `time.Time` and `"Spec": {}` stay.
 */
export function isZero(v: GoValue): boolean {
  if (v === null || v === '' || v === 0 || v === false) return true;
  if (typeof v !== 'object') return false;
  switch (v.kind) {
    case 'float':
      return v.value === 0;
    case 'map':
      return Object.keys(v.entries).length === 0;
    case 'slice':
      return v.items.length === 0;
    case 'ptr':
      return v.elem === null;
    case 'time':
    case 'func':
    case 'struct':
      return false;
  }
}

/** Template truth (text/template's `isTrue`): as `isZero`, with structs (times too) true. */
export function isTruthy(v: GoValue): boolean {
  return !isZero(v);
}

/** Finds a struct field (through embedded structs) or a method, as `.Name` does in a template. */
export function structField(s: GoStruct, name: string): GoValue | undefined {
  for (const field of s.fields) {
    if (field.name === name) return field.value;
  }
  for (const field of s.fields) {
    if (!field.embedded) continue;
    const inner = deref(field.value);
    if (inner !== null && typeof inner === 'object' && inner.kind === 'struct') {
      const found = structField(inner, name);
      if (found !== undefined) return found;
    }
  }
  const method = s.methods?.[name];
  return method;
}

export function deref(v: GoValue): GoValue {
  let cur = v;
  while (cur !== null && typeof cur === 'object' && cur.kind === 'ptr') cur = cur.elem;
  return cur;
}
