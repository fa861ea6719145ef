/** Time as the engine sees it: injected so that a sandbox is deterministic in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that starts at `startMs` and moves only when told to (or by `stepMs` per reading). */
export class ManualClock implements Clock {
  constructor(
    private ms: number,
    private readonly stepMs = 0,
  ) {}
  now(): number {
    const t = this.ms;
    this.ms += this.stepMs;
    return t;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** RFC 3339 in UTC with nanoseconds, as Docker stamps `Created`. */
export function rfc3339Nanos(ms: number, nanosWithinMs = 0): string {
  const iso = new Date(ms).toISOString(); // 2026-11-28T02:10:11.123Z
  const frac = iso.slice(20, 23) + String(nanosWithinMs).padStart(6, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/**
 * The least time between two commands typed by a person, as far as timers inside containers go:
 * whatever a container does within it after a look has happened by the next look.
 */
export const HUMAN_PAUSE_MS = 2000;
