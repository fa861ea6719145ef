/**
 * The daemon's event log (moby `daemon/events`): what `GET /events` and `docker events` replay,
 * and what a live `/events` stream is told as it happens. Docker keeps the last 256 events in
 * memory; the simulator keeps them in the sandbox state, so it stays small:
 *
 * - `ids` interns the long IDs (containers, networks, images, execs), each stored once, and
 *   only as `~` and its first 12 digits while the container, network or image still exists (the
 *   state has it in full); its `destroy` or `delete` event writes it out in full again;
 * - `actors` holds each actor once, `[type, id index, attributes]` (a container's name, image and
 *   labels as they were; a rename makes a new actor);
 * - `rows` holds the events, `[ms, action, actor index, extra attributes?]`, the first row's ms
 *   since the epoch and every other one's since the row before (rows are in time order). An extra
 *   attribute given as a number is an index in `ids` (a network event's `container`, `execID`).
 *
 * Nanoseconds are not stored: an event's `timeNano` is its millisecond plus a sub-millisecond part
 * that grows with its place among the events of that millisecond, and is a multiple of 256, so
 * that the whole fits a float64 exactly (templates print `{{.TimeNano}}` from a JS number).
 */
import type { Engine } from '../engine.ts';

/** How many events the daemon keeps (`eventsLimit`). */
export const EVENTS_LIMIT = 256;

type ExtraAttrs = Record<string, string | number>;
/** `[type, id index, attributes]`. */
export type ActorRow = [string, number, Record<string, string>];
/** `[ms, action, actor index]` or with extra attributes. */
export type EventRow = [number, string, number] | [number, string, number, ExtraAttrs];

export interface EventLogRecord {
  ids: string[];
  actors: ActorRow[];
  rows: EventRow[];
}

/** One event as the daemon's `events.Message` has it. */
export interface EngineEvent {
  type: string;
  action: string;
  actorId: string;
  /** The actor's attributes with the event's own, keys sorted (Go encodes and prints maps so). */
  attributes: Record<string, string>;
  scope: 'local' | 'swarm';
  timeMs: number;
  /** Nanoseconds since the epoch (`timeNano`). */
  timeNano: bigint;
}

export interface NewEvent {
  type: string;
  action: string;
  actorId: string;
  /** What identifies the actor (name, image, labels...): stored once for all its events. */
  actorAttributes?: Record<string, string>;
  /** This event's own attributes (exitCode, signal, container...). */
  attributes?: Record<string, string>;
  /** When it happened (engine clock ms); now by default. */
  atMs?: number;
}

type Listener = (ev: EngineEvent) => void;
const listeners = new WeakMap<Engine, Set<Listener>>();

/** Calls `fn` with each event logged from now on, until the returned function is called. */
export function subscribeEvents(engine: Engine, fn: Listener): () => void {
  const set = listeners.get(engine) ?? new Set();
  listeners.set(engine, set);
  set.add(fn);
  return () => set.delete(fn);
}

function log(engine: Engine): EventLogRecord {
  engine.state.events ??= { ids: [], actors: [], rows: [] };
  return engine.state.events;
}

/** `~` and the first 12 digits of a long ID (keeping a `sha256:` prefix). */
function shortRef(id: string): string {
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(id);
  return m ? `~${m[1] ?? ''}${m[2]}` : id;
}

/** The container, network or image of the state whose full ID this is. */
function liveObject(engine: Engine, id: string): boolean {
  const st = engine.state;
  return (
    st.containers.some((c) => c.id === id) ||
    st.networks.some((n) => n.id === id) ||
    st.images.some((i) => i.id === id)
  );
}

/** The full ID a stored one stands for (a short one that no longer resolves stays short). */
function resolveId(engine: Engine, stored: string): string {
  if (!stored.startsWith('~')) return stored;
  const prefix = stored.slice(1);
  const st = engine.state;
  const found =
    st.containers.find((c) => c.id.startsWith(prefix)) ??
    st.networks.find((n) => n.id.startsWith(prefix)) ??
    st.images.find((i) => i.id.startsWith(prefix));
  return found?.id ?? prefix;
}

function intern(engine: Engine, rec: EventLogRecord, id: string): number {
  const short = shortRef(id);
  const i = rec.ids.findIndex((x) => x === id || x === short);
  if (i >= 0) return i;
  rec.ids.push(short !== id && liveObject(engine, id) ? short : id);
  return rec.ids.length - 1;
}

/** Long hexadecimal IDs are worth interning; names and numbers are not. */
const INTERNED = /^(sha256:)?[0-9a-f]{32,}$/;

function actorIndex(
  engine: Engine,
  rec: EventLogRecord,
  type: string,
  id: string,
  attrs: Record<string, string>,
): number {
  const idIdx = intern(engine, rec, id);
  const key = JSON.stringify(sorted(attrs));
  const i = rec.actors.findIndex((a) => a[0] === type && a[1] === idIdx && JSON.stringify(a[2]) === key);
  if (i >= 0) return i;
  rec.actors.push([type, idIdx, sorted(attrs)]);
  return rec.actors.length - 1;
}

function sorted(attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(attrs).sort()) out[k] = attrs[k]!;
  return out;
}

/** Absolute ms of every row. */
function rowTimes(rows: readonly EventRow[]): number[] {
  const out: number[] = [];
  let t = 0;
  for (const r of rows) {
    t += r[0];
    out.push(t);
  }
  return out;
}

/** Records an event (in time order among the others) and tells the live listeners. */
export function logEvent(engine: Engine, ev: NewEvent): void {
  const rec = log(engine);
  // Never after now: a `--until 0s` right after must see it.
  const now = engine.nowMs();
  const atMs = Math.round(Math.min(ev.atMs ?? now, now));
  const actor = actorIndex(engine, rec, ev.type, ev.actorId, ev.actorAttributes ?? {});
  // Gone from the state now: its ID is kept in full here.
  if (ev.action === 'destroy' || ev.action === 'delete') rec.ids[rec.actors[actor]![1]] = ev.actorId;
  let extra: ExtraAttrs | undefined;
  for (const [k, v] of Object.entries(ev.attributes ?? {})) {
    extra ??= {};
    extra[k] = INTERNED.test(v) ? intern(engine, rec, v) : v;
  }
  const times = rowTimes(rec.rows);
  // After every event of the same time or earlier (a late-noticed exit goes back to when it was).
  let at = times.length;
  while (at > 0 && times[at - 1]! > atMs) at--;
  const prev = at > 0 ? times[at - 1]! : 0;
  const row: EventRow = extra ? [atMs - prev, ev.action, actor, extra] : [atMs - prev, ev.action, actor];
  const next = rec.rows[at];
  if (next) next[0] = times[at]! - atMs;
  rec.rows.splice(at, 0, row);
  if (rec.rows.length > EVENTS_LIMIT) trim(rec);
  const set = listeners.get(engine);
  if (set?.size) {
    // Still kept unless older than the whole log.
    const logged = decode(engine, rec)[rec.rows.indexOf(row)];
    // A listener's trouble (a client gone mid-write) is not the operation's.
    if (logged) {
      for (const fn of [...set]) {
        try {
          fn(logged);
        } catch {}
      }
    }
  }
}

/** Drops the oldest rows beyond the limit, then the actors and IDs nothing refers to any more. */
function trim(rec: EventLogRecord): void {
  const times = rowTimes(rec.rows);
  const drop = rec.rows.length - EVENTS_LIMIT;
  rec.rows.splice(0, drop);
  rec.rows[0]![0] = times[drop]!;
  const actorMap = new Map<number, number>();
  const actors: ActorRow[] = [];
  for (const r of rec.rows) {
    if (!actorMap.has(r[2])) {
      actorMap.set(r[2], actors.length);
      actors.push(rec.actors[r[2]]!);
    }
    r[2] = actorMap.get(r[2])!;
  }
  const idMap = new Map<number, number>();
  const ids: string[] = [];
  const keep = (i: number) => {
    if (!idMap.has(i)) {
      idMap.set(i, ids.length);
      ids.push(rec.ids[i]!);
    }
    return idMap.get(i)!;
  };
  rec.actors = actors.map(([type, id, attrs]) => [type, keep(id), attrs]);
  for (const r of rec.rows) {
    const extra = r[3];
    if (!extra) continue;
    for (const [k, v] of Object.entries(extra)) if (typeof v === 'number') extra[k] = keep(v);
  }
  rec.ids = ids;
}

/** The sub-millisecond nanoseconds of the `k`th event in millisecond `ms` (see the module comment). */
function subMillisecondNanos(ms: number, k: number): number {
  const align = (256 - (ms % 4) * 64) % 256;
  return align + 256 * (((ms * 7919) % 40) + Math.min(k, 72) * 53 + 1);
}

function decode(engine: Engine, rec: EventLogRecord): EngineEvent[] {
  const ids = rec.ids.map((id) => resolveId(engine, id));
  const out: EngineEvent[] = [];
  let t = 0;
  let sameMs = 0;
  for (const [i, r] of rec.rows.entries()) {
    const prevT = t;
    t += r[0];
    sameMs = i > 0 && t === prevT ? sameMs + 1 : 0;
    const [type, idIdx, attrs] = rec.actors[r[2]]!;
    const all: Record<string, string> = { ...attrs };
    for (const [k, v] of Object.entries(r[3] ?? {})) all[k] = typeof v === 'number' ? ids[v]! : v;
    out.push({
      type,
      action: r[1],
      actorId: ids[idIdx]!,
      attributes: sorted(all),
      scope: 'local',
      timeMs: t,
      timeNano: BigInt(t) * 1_000_000n + BigInt(subMillisecondNanos(t, sameMs)),
    });
  }
  return out;
}

/** Every event kept, oldest first. */
export function allEvents(engine: Engine): EngineEvent[] {
  const rec = engine.state.events;
  return rec ? decode(engine, rec) : [];
}

/**
 * `loadBufferedEvents`: the kept events from `since` to `until` (nanoseconds, inclusive), none
 * when neither is given (a live stream only shows what comes next).
 */
export function bufferedEvents(engine: Engine, since: bigint | null, until: bigint | null): EngineEvent[] {
  if (since === null && until === null) return [];
  return allEvents(engine).filter(
    (ev) => (since === null || ev.timeNano >= since) && (until === null || ev.timeNano <= until),
  );
}
