/**
 * `GET /events` (moby `systemRouter.getEvents`): the kept events between `since` and `until`,
 * then, unless `until` is past, the events as they happen until `until` or the client leaves.
 * One `json.Encoder` document a line.
 */
import { marshal } from '../../go/json.ts';
import { bufferedEvents, type EngineEvent, subscribeEvents } from '../../model/events.ts';
import { eventMatches, eventTimeNanos } from '../../ops/events.ts';
import { eventGoValue } from '../../views/event-view.ts';
import { ApiError } from '../errors.ts';
import { parseFiltersParam } from '../filters.ts';
import { streamResponse } from '../respond.ts';
import { get, type Route } from '../route.ts';

/** `json.NewEncoder(w).Encode(ev)`: HTML-escaped, and a newline. */
const encode = (ev: EngineEvent) => Buffer.from(`${marshal(eventGoValue(ev))}\n`);

export const eventRoutes: Route[] = [
  get('/events', ({ engine, req }) => {
    const sinceText = req.query.get('since') ?? '';
    const untilText = req.query.get('until') ?? '';
    const since = eventTimeNanos(sinceText);
    const until = eventTimeNanos(untilText);
    const nowNanos = BigInt(Math.round(engine.nowMs())) * 1_000_000n;
    if (until !== null && until < (since ?? -(2n ** 63n))) {
      throw new ApiError(400, `\`since\` time (${sinceText}) cannot be after \`until\` time (${untilText})`);
    }
    const onlyPast = until !== null && until < nowNanos;
    const filters = parseFiltersParam(req);
    const include = (ev: EngineEvent) => eventMatches(filters, ev);
    const past = bufferedEvents(engine, since, until).filter(include);
    // Subscribed now, with the past read, so that nothing logged before the stream runs is lost.
    const pending: EngineEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = onlyPast
      ? () => {}
      : subscribeEvents(engine, (ev) => {
          if (!include(ev)) return;
          pending.push(ev);
          wake?.();
        });
    return streamResponse(200, 'application/json', {
      run: async (write, signal) => {
        try {
          for (const ev of past) write(encode(ev));
          if (onlyPast) return;
          // A future `until` ends the stream then (the daemon's timer).
          let timedOut = false;
          const untilMs = until === null ? null : Number(until / 1_000_000n) - engine.nowMs();
          const timer =
            untilMs === null
              ? null
              : setTimeout(
                  () => {
                    timedOut = true;
                    wake?.();
                  },
                  Math.max(0, Math.min(untilMs, 2 ** 31 - 1)),
                );
          const onAbort = () => wake?.();
          signal.addEventListener('abort', onAbort, { once: true });
          try {
            for (;;) {
              for (const ev of pending.splice(0)) write(encode(ev));
              if (signal.aborted || timedOut) return;
              await new Promise<void>((resolve) => {
                wake = resolve;
              });
              wake = null;
            }
          } finally {
            if (timer) clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
          }
        } finally {
          unsubscribe();
        }
      },
    });
  }),
];
