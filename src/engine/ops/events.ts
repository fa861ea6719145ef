/**
 * Events as the daemon logs them (moby `daemon/events.go`, `daemon/images/image_events.go`,
 * `volume/service`): which attributes each kind of actor carries, the `events` filters
 * (`daemon/events/filter.go`) and the `since`/`until` times of `GET /events`.
 */
import type { Engine } from '../engine.ts';
import { serverError } from '../errors.ts';
import { type EngineEvent, logEvent } from '../model/events.ts';
import type { ContainerRecord, NetworkRecord } from '../model/state.ts';
import { parseReference } from './images.ts';
import { parseGoDuration } from './system.ts';

/** `LogContainerEventWithAttributes`: the labels, then `image` and `name` over them. */
export function logContainerEvent(
  engine: Engine,
  c: ContainerRecord,
  action: string,
  attributes: Record<string, string> = {},
  atMs?: number,
): void {
  logEvent(engine, {
    type: 'container',
    action,
    actorId: c.id,
    actorAttributes: { ...c.labels, ...(c.imageRef ? { image: c.imageRef } : {}), name: c.name },
    attributes,
    ...(atMs !== undefined ? { atMs } : {}),
  });
}

/** `LogNetworkEventWithAttributes`: the network's `name` and `type` (its driver). */
export function logNetworkEvent(
  engine: Engine,
  nw: NetworkRecord,
  action: string,
  attributes: Record<string, string> = {},
  atMs?: number,
): void {
  logEvent(engine, {
    type: 'network',
    action,
    actorId: nw.id,
    actorAttributes: { name: nw.name, type: nw.driver },
    attributes,
    ...(atMs !== undefined ? { atMs } : {}),
  });
}

/** A network event about a container (`connect`, `disconnect`): its `container` is the ID. */
export function logEndpointEvent(
  engine: Engine,
  c: ContainerRecord,
  networkId: string,
  action: 'connect' | 'disconnect',
  atMs?: number,
): void {
  const nw = engine.state.networks.find((n) => n.id === networkId);
  if (nw) logNetworkEvent(engine, nw, action, { container: c.id }, atMs);
}

/**
 * `LogImageEvent(imageID, refName, action)`: the actor is `id` (an image ID, or the reference a
 * pull or push named) and its `name` attribute `refName`.
 */
export function logImageEvent(engine: Engine, id: string, refName: string, action: string): void {
  logEvent(engine, { type: 'image', action, actorId: id, actorAttributes: refName ? { name: refName } : {} });
}

/** `LogVolumeEvent`: the volume's name, and attributes such as its `driver`. */
export function logVolumeEvent(
  engine: Engine,
  name: string,
  action: string,
  attributes: Record<string, string>,
): void {
  logEvent(engine, { type: 'volume', action, actorId: name, actorAttributes: attributes });
}

/** The `prune` event of a kind (`container`, `network`, `volume`...): no actor, the space reclaimed. */
export function logPruneEvent(engine: Engine, type: string, reclaimed: number): void {
  logEvent(engine, { type, action: 'prune', actorId: '', attributes: { reclaimed: String(reclaimed) } });
}

export type EventFilters = Record<string, string[]>;

/** `filters.Args.ExactMatch`: no values for the key matches everything. */
function exactMatch(filters: EventFilters, key: string, source: string): boolean {
  const values = filters[key];
  return !values?.length || values.includes(source);
}

/** `filters.Args.FuzzyMatch`: an exact value, or one the source starts with. */
function fuzzyMatch(filters: EventFilters, key: string, source: string): boolean {
  if (exactMatch(filters, key, source)) return true;
  return (filters[key] ?? []).some((prefix) => source.startsWith(prefix));
}

/** `stripTag`: an image reference's familiar name without tag or digest (as it is when it does not parse). */
function stripTag(image: string): string {
  try {
    return parseReference(image).repo;
  } catch {
    return image;
  }
}

/** `Filter.Include` (daemon/events/filter.go): does `ev` pass `filters`? */
export function eventMatches(filters: EventFilters, ev: EngineEvent): boolean {
  const attrs = ev.attributes;
  // #25798: these three (without their command) match as prefixes of the action.
  const fuzzyEvents = (filters.event ?? []).some((v) =>
    ['health_status', 'exec_create', 'exec_start'].includes(v),
  );
  const eventOk = fuzzyEvents
    ? fuzzyMatch(filters, 'event', ev.action)
    : exactMatch(filters, 'event', ev.action);
  const byName = (type: string) =>
    fuzzyMatch(filters, type, ev.actorId) || fuzzyMatch(filters, type, attrs.name ?? '');
  const imageName = attrs[ev.type === 'image' ? 'name' : 'image'] ?? '';
  const imageOk =
    exactMatch(filters, 'image', ev.actorId) ||
    exactMatch(filters, 'image', imageName) ||
    exactMatch(filters, 'image', stripTag(ev.actorId)) ||
    exactMatch(filters, 'image', stripTag(imageName));
  return (
    eventOk &&
    exactMatch(filters, 'type', ev.type) &&
    (!filters.scope || exactMatch(filters, 'scope', ev.scope)) &&
    ['daemon', 'container', 'plugin', 'volume', 'network', 'node', 'service', 'secret', 'config'].every(
      byName,
    ) &&
    imageOk &&
    matchKVList(filters.label, attrs)
  );
}

/** `Args.MatchKVList`: every `key` or `key=value` is among the attributes. */
function matchKVList(values: string[] | undefined, attrs: Record<string, string>): boolean {
  if (!values?.length) return true;
  if (Object.keys(attrs).length === 0) return false;
  return values.every((kv) => {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!(key in attrs)) return false;
    return eq < 0 || attrs[key] === kv.slice(eq + 1);
  });
}

/**
 * `eventTime` (`timetypes.ParseTimestamps`): `SECONDS[.FRACTION]` as nanoseconds since the epoch,
 * null for an empty value; `strconv.ParseInt`'s error (a 500) otherwise.
 */
export function eventTimeNanos(value: string): bigint | null {
  if (value === '') return null;
  const [secs = '', frac] = value.split(/\.(.*)/s, 2) as [string, string | undefined];
  const parseInt64 = (text: string): bigint => {
    if (!/^[+-]?\d+$/.test(text)) {
      throw serverError(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
    }
    const n = BigInt(text);
    if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) {
      throw serverError(`strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`);
    }
    return n;
  };
  const s = parseInt64(secs);
  // A time of -1 seconds is how ParseTimestamps says "none".
  if (s === -1n) return null;
  if (frac === undefined) return s * 1_000_000_000n;
  const n = parseInt64(frac);
  // "should already be in nanoseconds but just in case convert n to nanoseconds"
  const nanos = BigInt(Math.trunc(Number(n) * 10 ** (9 - frac.length)));
  return s * 1_000_000_000n + nanos;
}

/** Containers being stopped: an end by SIGKILL (137) comes after the stop timeout's `kill 9`. */
const stopping = new WeakSet<ContainerRecord>();

/** `containerStop` sent the stop signal: SIGKILL follows if the process is still there after the timeout. */
export function killOnStopTimeout(c: ContainerRecord): void {
  stopping.add(c);
}

/** `handleContainerExit`: the `die` event, then a `disconnect` for each network it leaves. */
export function containerDied(engine: Engine, c: ContainerRecord, exitCode: number): void {
  const at = Date.parse(c.finishedAt);
  const atMs = Number.isNaN(at) ? undefined : at;
  if (stopping.delete(c) && exitCode === 137) logContainerEvent(engine, c, 'kill', { signal: '9' }, atMs);
  logContainerEvent(engine, c, 'die', { exitCode: String(exitCode) }, atMs);
  for (const ep of c.endpoints) logEndpointEvent(engine, c, ep.networkId, 'disconnect', atMs);
}

/**
 * An exec's events: `exec_create: CMD ARGS` and `exec_start: CMD ARGS` (the command as the exec
 * holds it, split into entrypoint and arguments and joined again), then `exec_die` with its code.
 */
export function logExecEvent(
  engine: Engine,
  c: ContainerRecord,
  execId: string,
  argv: readonly string[],
  action: 'exec_create' | 'exec_start' | 'exec_die',
  exitCode?: number,
): void {
  const text = action === 'exec_die' ? action : `${action}: ${argv[0] ?? ''} ${argv.slice(1).join(' ')}`;
  const attrs: Record<string, string> = { execID: execId };
  if (exitCode !== undefined) attrs.exitCode = String(exitCode);
  logContainerEvent(engine, c, text, attrs);
}

/**
 * The client's `timetypes.GetTimestamp` for `--since`/`--until`: a Go duration back from now, a
 * date or date-time (in the sandbox's zone, UTC, unless it names one), or a Unix time passed on
 * as it is; the value the daemon is sent (`SECONDS.NANOS`), or the client's error.
 * (Durations keep their milliseconds: see cli/commands/events.ts.)
 */
export function cliEventTimestamp(value: string, nowMs: number): string | Error {
  // The end of the millisecond: an event logged in the same millisecond (its nanoseconds past
  // it) is still before `--until 0s`.
  const fixed = (ms: number) => {
    const whole = Math.floor(ms);
    const secs = Math.floor(whole / 1000);
    return `${secs}.${String((whole - secs * 1000) * 1e6 + 999_999).padStart(9, '0')}`;
  };
  if (value !== '0') {
    try {
      return fixed(nowMs - parseGoDuration(value) / 1e6);
    } catch {}
  }
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d)(?::(\d\d)(?::(\d\d)(\.\d+)?)?)?)?(Z|z|[+-]\d\d:\d\d)?$/.exec(
    value,
  );
  if (m) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
    const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone.toUpperCase()}`);
    if (!Number.isNaN(ms)) {
      const nanos = frac ? Math.round(Number(`0${frac}`) * 1e9) : 0;
      return `${Math.floor(ms / 1000)}.${String(nanos).padStart(9, '0')}`;
    }
  }
  // An RFC 3339-like value that does not parse is time.Parse's error.
  if (value.includes('-')) return new Error(`parsing time ${JSON.stringify(value)}: cannot parse`);
  if (/^[+-]?\d+(\.\d+)?$/.test(value)) return value;
  return new Error(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
}

/**
 * `exec_die` for an exec that ran; none for one whose process never started (runc's own error
 * in its output: unknown user, missing program, bad working directory).
 */
export function logExecEnd(
  engine: Engine,
  c: ContainerRecord,
  execId: string,
  argv: readonly string[],
  res: { exitCode: number; stdout: string },
): void {
  if (!execNeverStarted(res)) logExecEvent(engine, c, execId, argv, 'exec_die', res.exitCode);
}

/** An exec whose process never started: its output is the daemon's error (`ContainerExecStart`). */
export function execNeverStarted(res: { exitCode: number; stdout: string }): boolean {
  return res.exitCode === 126 && /^(unable to find user|OCI runtime exec failed)/.test(res.stdout);
}
