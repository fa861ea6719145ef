/**
 * The daemon's `filters.Args` checks the ops share: accepted keys (`Validate`), label lists
 * (`MatchKVList`, `matchLabels` of the prunes) and the prunes' `until` (`timetypes.GetTimestamp`).
 */
import { badRequest, serverError } from '../errors.ts';
import { parseGoDuration } from './system.ts';

export type FilterArgs = Record<string, string[]>;

/** `Args.Validate`: a key the operation does not take is `Invalid filter 'KEY'` (400). */
export function validateFilterKeys(filters: FilterArgs, accepted: readonly string[]): void {
  for (const key of Object.keys(filters)) {
    if (!accepted.includes(key)) throw badRequest(`Invalid filter '${key}'`);
  }
}

/** `Args.MatchKVList`: every `key` or `key=value` of the filter is among the labels. */
export function matchKVList(values: string[] | undefined, labels: Record<string, string> | null): boolean {
  if (!values?.length) return true;
  const entries = labels ?? {};
  if (Object.keys(entries).length === 0) return false;
  return values.every((kv) => {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!(key in entries)) return false;
    return eq < 0 || entries[key] === kv.slice(eq + 1);
  });
}

/** The prunes' `matchLabels`: all `label` match, and not all of a given `label!`. */
export function matchLabels(filters: FilterArgs, labels: Record<string, string> | null): boolean {
  if (!matchKVList(filters.label, labels)) return false;
  if (filters['label!'] && matchKVList(filters['label!'], labels)) return false;
  return true;
}

/**
 * `timetypes.GetTimestamp` then `ParseTimestamps`: a Go duration back from now, a Unix time
 * (`SECONDS[.NANOS]`), or an RFC 3339 date or date-time; in milliseconds.
 */
export function goTimestampMs(value: string, nowMs: number): number {
  if (value !== '0') {
    try {
      return nowMs - parseGoDuration(value) / 1e6;
    } catch {}
  }
  if (/^-?\d+(\.\d*)?$/.test(value)) return Number(value) * 1000;
  // Dates without a zone are read in the daemon's zone (UTC here).
  const zoned = /[zZ+]/.test(value) || (value.match(/-/g) ?? []).length === 3;
  const iso = /^\d{4}-\d\d-\d\d(T\d\d(:\d\d(:\d\d(\.\d+)?)?)?)?/.exec(value);
  if (iso) {
    let text = value;
    if (!text.includes('T')) text += 'T00:00:00';
    else if (/T\d\d$/.test(iso[0]) && !zoned) text += ':00';
    const t = Date.parse(zoned ? text : `${text}Z`);
    if (!Number.isNaN(t)) return t;
  }
  if (value.includes('-')) throw serverError(`parsing time ${JSON.stringify(value)}: cannot parse`);
  throw serverError(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
}

/** The prunes' `getUntilFromPruneFilters`: the `until` cutoff in ms, undefined without one. */
export function pruneUntilMs(filters: FilterArgs, nowMs: number): number | undefined {
  const until = filters.until;
  if (!until) return undefined;
  if (until.length > 1) throw serverError('more than one until filter specified');
  return until.length ? goTimestampMs(until[0]!, nowMs) : undefined;
}

/** `Args.Match`: a value equal to the source, or one that matches it as a regular expression. */
export function filterMatch(values: string[], source: string): boolean {
  return values.some((p) => {
    if (p === source) return true;
    try {
      return new RegExp(p).test(source);
    } catch {
      return false;
    }
  });
}

/** Go's `strconv.Atoi` (64-bit int): the number, or its error as the daemon returns it (a 500). */
export function goAtoi(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) {
    throw serverError(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  const n = BigInt(value);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) {
    throw serverError(`strconv.Atoi: parsing ${JSON.stringify(value)}: value out of range`);
  }
  return Number(n);
}

/** `strconv.ParseUint(value, 10, 16)`'s error text, or the number. */
function parseUint16(value: string): number | string {
  if (!/^\d+$/.test(value)) return `strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`;
  const n = Number(value);
  return n > 65535 ? `strconv.ParseUint: parsing ${JSON.stringify(value)}: value out of range` : n;
}

/**
 * The container list's `portOp` for `publish` and `expose`: `PORT[-END][/PROTO]` to the ports it
 * names (`80/tcp`), or its error (a 500: `fmt.Errorf`).
 */
export function filterPorts(key: string, value: string): string[] {
  if (value.includes(':')) throw serverError(`filter for '${key}' should not contain ':': ${value}`);
  // nat.SplitProtoPort: `80` and `80/` are tcp; an empty port part leaves no port at all.
  const [port = '', proto = ''] = value.split('/');
  const fail = (why: string) => serverError(`error while looking up for ${key} ${value}: ${why}`);
  if (port === '') throw fail('Empty string specified for ports.');
  const parts = port.includes('-') ? port.split('-') : [port, port];
  const start = parseUint16(parts[0]!);
  if (typeof start === 'string') throw fail(start);
  const end = parseUint16(parts[1] ?? '');
  if (typeof end === 'string') throw fail(end);
  if (end < start) throw fail(`Invalid range specified for the Port: ${port}`);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto || 'tcp'}`);
  return out;
}

/** `fmt.Sprintf("%s", values)` of a filter's values, as `invalidFilter` words them: `[a b]`. */
export function goStringList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}
