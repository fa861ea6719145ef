/** go-units as the docker CLI uses it: durations (`2 seconds`) and sizes (`1.98MB`). */

/** `units.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3600000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3600000 / 24 / 365)} years`;
}

/** `units.HumanSizeWithPrecision(size, 3)`: decimal units, `%.3g`. */
export function humanSize(size: number, precision = 3): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let s = size;
  while (s >= 1000 && i < units.length - 1) {
    s /= 1000;
    i++;
  }
  return `${formatG(s, precision)}${units[i]}`;
}

/** `units.HumanSize`: the same with `%.4g` (what `docker system df` prints). */
export function humanSize4(size: number): string {
  return humanSize(size, 4);
}

/** Go's `%.<precision>g` for the magnitudes sizes have. */
function formatG(n: number, precision: number): string {
  if (n === 0) return '0';
  const p = Number(n.toPrecision(precision));
  return String(p);
}

/** Milliseconds of an RFC 3339 timestamp (`0001-01-01T00:00:00Z` is the zero time). */
export function timeMs(rfc3339: string): number {
  return Date.parse(rfc3339);
}
