/**
 * Cron patterns as BullMQ's job schedulers read them (`minute hour day month weekday`, with an
 * optional leading seconds field), in an IANA time zone. Used to check a TA's `/quiz schedule`
 * before it is stored and, in the embedded (no Redis) mode, to know when the next post is due.
 */

export class CronError extends Error {
  override readonly name = 'CronError';
}

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

export interface Cron {
  source: string;
  /** Allowed values per field: second, minute, hour, day of month, month, day of week (0-6). */
  sets: Array<Set<number>>;
  /** Day of month and day of week both restricted: either may match (classic cron). */
  dayOr: boolean;
}

function parseValue(s: string, f: Field): number {
  const named = f.names?.indexOf(s.toLowerCase()) ?? -1;
  const n = named >= 0 ? named + f.min : /^\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isInteger(n) || n < f.min || n > f.max)
    throw new CronError(`${f.name} "${s}" is not a value from ${f.min} to ${f.max}`);
  return n;
}

function parseField(text: string, f: Field): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new CronError(`${f.name} step "${stepText}" must be a positive number`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = f.min;
      hi = f.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      lo = parseValue(a, f);
      hi = parseValue(b, f);
      if (lo > hi) throw new CronError(`${f.name} range "${range}" runs backwards`);
    } else {
      lo = parseValue(range, f);
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(source: string): Cron {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6)
    throw new CronError(
      `a cron pattern has 5 fields (minute hour day month weekday), like "0 9 * * 1-5"; "${source}" has ${parts.length}`,
    );
  const all = parts.length === 5 ? ['0', ...parts] : parts;
  const sets = all.map((p, i) => parseField(p, FIELDS[i]!));
  return { source, sets, dayOr: all[3] !== '*' && all[3] !== '?' && all[5] !== '*' && all[5] !== '?' };
}

/** Throws CronError for an unknown time zone. */
export function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new CronError(`unknown time zone "${tz}": use an IANA name like Europe/Berlin or America/New_York`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** Wall-clock time of `ms` in `tz`. */
export function localTime(ms: number, tz: string): LocalTime {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday ?? ''),
  };
}

/** `YYYY-MM-DD` of `ms` in `tz`. */
export function localDay(ms: number, tz: string): string {
  const t = localTime(ms, tz);
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

function dayMatches(c: Cron, t: LocalTime): boolean {
  const [, , , dom, month, dow] = c.sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (!month.has(t.month)) return false;
  return c.dayOr ? dom.has(t.day) || dow.has(t.weekday) : dom.has(t.day) && dow.has(t.weekday);
}

/** The first moment strictly after `afterMs` the pattern fires, or null within about 4 years. */
export function nextFire(c: Cron, tz: string, afterMs: number): number | null {
  const [secs, mins, hours] = c.sets as [Set<number>, Set<number>, Set<number>];
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  const limit = afterMs + 4 * 366 * 86_400_000;
  while (t < limit) {
    const lt = localTime(t, tz);
    if (!dayMatches(c, lt)) {
      // On to the next local midnight (the local clock tells how far it is, DST included).
      t += ((23 - lt.hour) * 3600 + (59 - lt.minute) * 60 + (60 - lt.second)) * 1000;
      continue;
    }
    if (!hours.has(lt.hour)) {
      t += ((59 - lt.minute) * 60 + (60 - lt.second)) * 1000;
      continue;
    }
    if (!mins.has(lt.minute)) {
      t += (60 - lt.second) * 1000;
      continue;
    }
    if (secs.has(lt.second)) return t;
    // Within a matching minute: at most 59 one-second steps to the wanted second.
    t += 1000;
  }
  return null;
}
