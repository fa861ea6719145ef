/**
 * An event as the daemon sends it (`events.Message`, one JSON document a line) and as the docker
 * CLI shows it: through a `--format` template, or `prettyPrintEvent`'s line.
 */
import { f, type GoValue, goStringMap, goStruct } from '../go/values.ts';
import type { EngineEvent } from '../model/events.ts';

/**
 * The deprecated `status`, `id` and `from` a container event repeats (an image event the first
 * two; `from` is the container's image).
 */
function legacyFields(ev: EngineEvent): { status: string; id: string; from: string } {
  if (ev.type === 'container') {
    return { status: ev.action, id: ev.actorId, from: ev.attributes.image ?? '' };
  }
  if (ev.type === 'image') return { status: ev.action, id: ev.actorId, from: '' };
  return { status: '', id: '', from: '' };
}

/** The Go value (`events.Message`) templates see. */
export function eventGoValue(ev: EngineEvent): GoValue {
  const legacy = legacyFields(ev);
  return goStruct('events.Message', [
    f('Status', legacy.status, { json: 'status', omitempty: true }),
    f('ID', legacy.id, { json: 'id', omitempty: true }),
    f('From', legacy.from, { json: 'from', omitempty: true }),
    f('Type', ev.type),
    f('Action', ev.action),
    f('Actor', goStruct('events.Actor', [f('ID', ev.actorId), f('Attributes', goStringMap(ev.attributes))])),
    f('Scope', ev.scope, { json: 'scope', omitempty: true }),
    f('Time', Math.floor(ev.timeMs / 1000), { json: 'time', omitempty: true }),
    // Exact: the simulator's nanoseconds are chosen to fit a float64 (see model/events.ts).
    f('TimeNano', Number(ev.timeNano), { json: 'timeNano', omitempty: true }),
  ]);
}

/** The zero `events.Message` the CLI runs a `--format` template on first, to check it. */
export function emptyEventGoValue(): GoValue {
  return eventGoValue({
    type: '',
    action: '',
    actorId: '',
    attributes: {},
    scope: '' as 'local',
    timeMs: 0,
    timeNano: 0n,
  });
}

/** `rfc3339NanoFixed` (`2006-01-02T15:04:05.000000000Z07:00`) in UTC. */
export function eventTimeText(ev: EngineEvent): string {
  const iso = new Date(ev.timeMs).toISOString();
  const nanos = String(ev.timeNano % 1_000_000_000n).padStart(9, '0');
  return `${iso.slice(0, 19)}.${nanos}Z`;
}

/** `prettyPrintEvent`: `TIME TYPE ACTION ACTOR-ID (k=v, ...)`. */
export function prettyEvent(ev: EngineEvent): string {
  const attrs = Object.entries(ev.attributes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const tail = attrs.length ? ` (${attrs.join(', ')})` : '';
  return `${eventTimeText(ev)} ${ev.type} ${ev.action} ${ev.actorId}${tail}`;
}
