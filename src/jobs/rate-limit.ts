/**
 * Per-user rate limit: at most N commands a minute, with bursts up to N (GCRA, the "leaky bucket
 * as a meter"). One number per user: the theoretical time the bucket is empty again. The Redis
 * version runs the same arithmetic in one Lua script on Redis' own clock, so every bot process
 * on every machine shares one limit.
 */
import type { Redis } from 'ioredis';

const WINDOW_MS = 60_000;

export interface RateLimitDecision {
  allowed: boolean;
  /** When refused: milliseconds until one more command is allowed. */
  retryAfterMs: number;
}

export interface RateLimiter {
  /** Counts one command for `subject` if allowed. */
  take(subject: string): Promise<RateLimitDecision>;
}

/** The GCRA step: new bucket-empty time, or how long to wait. Pure, shared by both limiters. */
export function gcra(tat: number, now: number, perMinute: number): { tat: number; waitMs: number } {
  const interval = Math.ceil(WINDOW_MS / perMinute);
  const next = Math.max(tat, now) + interval;
  if (next - now > WINDOW_MS) return { tat, waitMs: next - now - WINDOW_MS };
  return { tat: next, waitMs: 0 };
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly tats = new Map<string, number>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  async take(subject: string): Promise<RateLimitDecision> {
    const now = this.now();
    const step = gcra(this.tats.get(subject) ?? 0, now, this.perMinute);
    if (step.waitMs > 0) return { allowed: false, retryAfterMs: step.waitMs };
    this.tats.set(subject, step.tat);
    // Forget users whose bucket has drained, so the map does not grow with every user ever seen.
    if (this.tats.size > 10_000) for (const [k, t] of this.tats) if (t < now) this.tats.delete(k);
    return { allowed: true, retryAfterMs: 0 };
  }
}

// KEYS[1] the user's key; ARGV[1] interval ms, ARGV[2] window ms. Returns ms to wait (0 = allowed).
const GCRA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval
if nextTat - now > window then return nextTat - now - window end
redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', nextTat - now)
return 0
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly perMinute: number,
    private readonly prefix = 'tutor:ratelimit:',
  ) {}

  async take(subject: string): Promise<RateLimitDecision> {
    const wait = (await this.redis.eval(
      GCRA_LUA,
      1,
      this.prefix + subject,
      String(Math.ceil(WINDOW_MS / this.perMinute)),
      String(WINDOW_MS),
    )) as number;
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true, retryAfterMs: 0 };
  }
}
