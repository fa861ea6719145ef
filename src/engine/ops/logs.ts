/**
 * Reading a container's logs as the json-file driver does (`ContainerLogs`, `tailFiles`): the
 * last `tail` lines of both streams, then those written from `since` on, up to the first written
 * after `until`. Each line keeps the time it was written.
 */
import { EngineError } from '../errors.ts';
import type { ContainerRecord, LogLine } from '../model/state.ts';
import { eventTimeNanos } from './events.ts';

export interface LogQuery {
  /** Lines from the end; negative: all (`strconv.Atoi` failed, or none asked). */
  tail: number;
  /** Nanoseconds since the epoch, or null. */
  since: bigint | null;
  until: bigint | null;
}

/** A query's `tail` as the daemon reads it: a number, anything else is all. */
export function logTail(text: string): number {
  return /^[+-]?\d+$/.test(text) ? Number(text) : -1;
}

/** `timetypes.ParseTimestamps(value, 0)` of `since`/`until` (`SECONDS[.NANOS]`); null when empty. */
export function logTimeNanos(value: string): bigint | null {
  if (value === '') return null;
  // -1 is "none" for events, a time like any other here.
  return eventTimeNanos(value) ?? -1_000_000_000n;
}

/** An RFC 3339 time (a log line's) in nanoseconds since the epoch. */
export function rfc3339ToNanos(time: string): bigint {
  const m = /^(.{19})(?:\.(\d+))?(.*)$/.exec(time);
  if (!m) return 0n;
  const secs = BigInt(Math.floor(Date.parse(`${m[1]}${m[3] || 'Z'}`) / 1000));
  const frac = (m[2] ?? '').slice(0, 9).padEnd(9, '0');
  return secs * 1_000_000_000n + BigInt(frac);
}

/** `jsonmessage.RFC3339NanoFixed`: nine fraction digits, always. */
export function logTimestamp(time: string): string {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').slice(0, 9).padEnd(9, '0')}Z` : time;
}

/** The lines of `lines` the query keeps, in order. */
export function filterLogLines(lines: readonly LogLine[], q: Omit<LogQuery, 'tail'>): LogLine[] {
  const out: LogLine[] = [];
  for (const l of lines) {
    const t = rfc3339ToNanos(l.time);
    if (q.since !== null && t < q.since) continue;
    if (q.until !== null && t > q.until) break;
    out.push(l);
  }
  return out;
}

/** The container's logged lines the query keeps (both streams). */
export function readLogs(c: ContainerRecord, q: LogQuery): LogLine[] {
  // logger.ErrReadLogsNotSupported, a 501 (the none driver keeps nothing, not even a cache).
  if (c.hostConfig.logConfig?.type === 'none') {
    throw new EngineError(501, 'configured logging driver does not support reading');
  }
  const tailed = q.tail === 0 ? [] : q.tail > 0 ? c.logs.slice(-q.tail) : c.logs;
  return filterLogLines(tailed, q);
}
