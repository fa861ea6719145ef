/**
 * busybox `date` (UTC, as containers and the sandbox host run): the default format and
 * `+FORMAT` with the strftime conversions scripts use (`date +%s`, `date +%H:%M:%S`).
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FULL_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);

/** `date [-u] [+FORMAT]` at `ms`: what it prints, or its complaint. */
export function dateCommand(ms: number, args: string[]): { out: string; err: string; code: number } {
  let format = '%a %b %e %H:%M:%S %Z %Y';
  for (const a of args) {
    if (a === '-u' || a === '-R' || a === '--utc') continue;
    if (a.startsWith('+')) format = a.slice(1);
    else return { out: '', err: `date: invalid date '${a}'\n`, code: 1 };
  }
  return { out: `${strftime(new Date(ms), format)}\n`, err: '', code: 0 };
}

function strftime(d: Date, format: string): string {
  const day0 = Date.UTC(d.getUTCFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - day0) / 86_400_000) + 1;
  const conv: Record<string, () => string> = {
    a: () => DAYS[d.getUTCDay()]!,
    A: () => FULL_DAYS[d.getUTCDay()]!,
    b: () => MONTHS[d.getUTCMonth()]!,
    h: () => MONTHS[d.getUTCMonth()]!,
    B: () => FULL_MONTHS[d.getUTCMonth()]!,
    d: () => pad(d.getUTCDate()),
    e: () => pad(d.getUTCDate(), 2, ' '),
    H: () => pad(d.getUTCHours()),
    I: () => pad(d.getUTCHours() % 12 || 12),
    M: () => pad(d.getUTCMinutes()),
    S: () => pad(d.getUTCSeconds()),
    m: () => pad(d.getUTCMonth() + 1),
    y: () => pad(d.getUTCFullYear() % 100),
    Y: () => String(d.getUTCFullYear()),
    j: () => pad(yday, 3),
    p: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
    s: () => String(Math.floor(d.getTime() / 1000)),
    N: () => pad(d.getUTCMilliseconds(), 3) + '000000',
    u: () => String(d.getUTCDay() || 7),
    w: () => String(d.getUTCDay()),
    Z: () => 'UTC',
    z: () => '+0000',
    T: () => `${conv.H!()}:${conv.M!()}:${conv.S!()}`,
    R: () => `${conv.H!()}:${conv.M!()}`,
    D: () => `${conv.m!()}/${conv.d!()}/${conv.y!()}`,
    F: () => `${conv.Y!()}-${conv.m!()}-${conv.d!()}`,
    c: () => `${conv.a!()} ${conv.b!()} ${conv.e!()} ${conv.T!()} ${conv.Y!()}`,
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (m, c: string) => conv[c]?.() ?? m);
}
