/**
 * The command queue: one Redis list per sandbox, and a list of sandboxes ready to run.
 *
 * Why not BullMQ here: BullMQ's open-source edition has no groups, and sharding its queues (one
 * active job per shard) cost four Lua moves, a lock, an event stream entry and a Job object per
 * command, about 1 ms of CPU, five times what running the command costs. A list per sandbox gives
 * per-sandbox order by construction, with no head-of-line blocking between students.
 *
 * Keys (P = the layout prefix, `tutor:q`):
 * - `P:sb:{sandbox}`  list of the sandbox's jobs (JSON), oldest first; the head is the one running
 *   or next. It stays there until its run completes, so a killed worker loses nothing.
 * - `P:ready`         sandboxes with jobs and nobody running them, in the order they became ready.
 * - `P:taken`         sandboxes a worker has just popped from `ready` (BLMOVE) and not leased yet.
 * - `P:leases`        zset: sandbox -> lease expiry (Redis clock, ms); `P:owners` hash: sandbox -> worker.
 * - `P:runs`          hash: sandbox -> times its head job has been started (1 = first run).
 * - `P:pending`       jobs queued and not completed; `P:failed` the last 1,000 failed jobs, with why.
 * Invariant, kept by every script: a sandbox's list is non-empty exactly when the sandbox is in
 * one of `ready`, `taken` or `leases`, and then in only one.
 */
import type { Redis } from 'ioredis';
import type { QueueLayout } from './queues.ts';

export interface QueuedJob<T = unknown> {
  /** The request ID for commands, a generated one for sandbox operations. */
  id: string;
  name: 'command' | 'sandbox-op';
  data: T;
  /** When it was queued, ms since the epoch. */
  queuedAt: number;
}

/** A job a worker holds: run it, then `complete`. */
export interface LeasedJob {
  sandbox: string;
  /** The raw JSON, parsed by the worker (a bad payload must fail with a reason, not throw here). */
  raw: string;
  /** 1 on the first start; more when the job was taken over after its worker died. */
  runs: number;
}

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: list, ready, pending, dedup. ARGV: job, sandbox, dedup ms (0 = none).
// Returns 0 for a duplicate, else the sandbox's queue length.
const SUBMIT = `
if tonumber(ARGV[3]) > 0 and not redis.call('SET', KEYS[4], '1', 'PX', ARGV[3], 'NX') then return 0 end
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[3])
if n == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end
return n`;

// KEYS: taken, leases, owners, runs. ARGV: sandbox, worker token, lease ms, list prefix.
// Returns {head, runs}, or nil when a sweep gave the sandbox back meanwhile.
const LEASE = `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return nil end
local head = redis.call('LINDEX', ARGV[4] .. ARGV[1], 0)
if not head then return nil end
${NOW}
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return {head, redis.call('HINCRBY', KEYS[4], ARGV[1], 1)}`;

// KEYS: leases, owners, runs, ready, pending. ARGV: sandbox, token, lease ms, list prefix, may chain (1/0).
// Pops the finished head. Returns {0} if the lease was lost (another worker owns the job now),
// {1} when the sandbox was released, {2, next, 1} when the next job of this sandbox is handed
// straight to the caller (nobody else is waiting, so this costs no fairness).
const COMPLETE = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return {0} end
local list = ARGV[4] .. ARGV[1]
redis.call('LPOP', list)
redis.call('DECR', KEYS[5])
local rest = redis.call('LLEN', list)
if rest > 0 and ARGV[5] == '1' and redis.call('LLEN', KEYS[4]) == 0 then
  ${NOW}
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], 1)
  return {2, redis.call('LINDEX', list, 0), 1}
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if rest > 0 then redis.call('RPUSH', KEYS[4], ARGV[1]) end
return {1}`;

// KEYS: taken, ready. ARGV: sandbox. A draining worker gives back what it just took, first in line.
const GIVE_BACK = `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then redis.call('LPUSH', KEYS[2], ARGV[1]) end
return 0`;

// KEYS: leases, owners. ARGV: token, lease ms, sandboxes... Extends this worker's leases.
const RENEW = `
${NOW}
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[i])
  end
end
return 0`;

// KEYS: leases, owners, ready, taken, taken-seen, sweep lock. ARGV: interval ms.
// At most once per interval across all workers: sandboxes whose lease expired (their worker died
// or hung) go back to the front of \`ready\`; so do sandboxes left in \`taken\` since the last sweep
// (a worker died between BLMOVE and its lease). Returns how many were given back.
const SWEEP = `
if not redis.call('SET', KEYS[6], '1', 'PX', ARGV[1], 'NX') then return -1 end
${NOW}
local n = 0
for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('ZREM', KEYS[1], k)
  redis.call('HDEL', KEYS[2], k)
  redis.call('LPUSH', KEYS[3], k)
  n = n + 1
end
for _, k in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
  if redis.call('SISMEMBER', KEYS[5], k) == 1 then
    redis.call('LREM', KEYS[4], 1, k)
    redis.call('LPUSH', KEYS[3], k)
    n = n + 1
  end
end
redis.call('DEL', KEYS[5])
local rest = redis.call('LRANGE', KEYS[4], 0, -1)
if #rest > 0 then redis.call('SADD', KEYS[5], unpack(rest)) end
return n`;

type Script = (...args: Array<string | number>) => Promise<unknown>;
interface TutorScripts {
  tutorQSubmit: Script;
  tutorQLease: Script;
  tutorQComplete: Script;
  tutorQRenew: Script;
  tutorQSweep: Script;
  tutorQGiveBack: Script;
}

/** Registers the scripts on a connection (EVALSHA, with EVAL only when Redis lost them). */
function scripts(redis: Redis): TutorScripts {
  const r = redis as unknown as Partial<TutorScripts>;
  if (!r.tutorQSubmit) {
    redis.defineCommand('tutorQSubmit', { numberOfKeys: 4, lua: SUBMIT });
    redis.defineCommand('tutorQLease', { numberOfKeys: 4, lua: LEASE });
    redis.defineCommand('tutorQComplete', { numberOfKeys: 5, lua: COMPLETE });
    redis.defineCommand('tutorQRenew', { numberOfKeys: 2, lua: RENEW });
    redis.defineCommand('tutorQSweep', { numberOfKeys: 6, lua: SWEEP });
    redis.defineCommand('tutorQGiveBack', { numberOfKeys: 2, lua: GIVE_BACK });
  }
  return redis as unknown as TutorScripts;
}

export class SandboxQueue {
  private readonly p: string;
  private readonly s: TutorScripts;

  constructor(
    private readonly redis: Redis,
    layout: Pick<QueueLayout, 'prefix'>,
  ) {
    this.p = `${layout.prefix}:`;
    this.s = scripts(redis);
  }

  get readyKey(): string {
    return `${this.p}ready`;
  }
  get takenKey(): string {
    return `${this.p}taken`;
  }
  listKey(sandbox: string): string {
    return `${this.p}sb:${sandbox}`;
  }

  /**
   * Appends a job to its sandbox's list. With `dedupMs`, a second job with the same ID within
   * that time is dropped (platform retries): returns false then.
   */
  async submit(sandbox: string, job: QueuedJob, dedupMs = 0): Promise<boolean> {
    return this.submitRaw(sandbox, job.id, JSON.stringify(job), dedupMs);
  }

  /** `submit` of an already-encoded job (tests put malformed jobs in this way). */
  async submitRaw(sandbox: string, id: string, raw: string, dedupMs = 0): Promise<boolean> {
    const n = (await this.s.tutorQSubmit(
      this.listKey(sandbox),
      this.readyKey,
      `${this.p}pending`,
      `${this.p}dedup:${id}`,
      raw,
      sandbox,
      dedupMs,
    )) as number;
    return n > 0;
  }

  /**
   * Waits up to `timeoutSeconds` for a ready sandbox, on `blocking` (a connection of its own:
   * BLMOVE holds it). Returns the sandbox, or null on timeout.
   */
  async take(blocking: Redis, timeoutSeconds: number): Promise<string | null> {
    return blocking.blmove(this.readyKey, this.takenKey, 'LEFT', 'RIGHT', timeoutSeconds);
  }

  /** Leases a taken sandbox to `token` and returns its head job, or null if a sweep got there first. */
  async lease(sandbox: string, token: string, leaseMs: number): Promise<LeasedJob | null> {
    const r = (await this.s.tutorQLease(
      this.takenKey,
      `${this.p}leases`,
      `${this.p}owners`,
      `${this.p}runs`,
      sandbox,
      token,
      leaseMs,
      `${this.p}sb:`,
    )) as [string, number] | null;
    return r ? { sandbox, raw: r[0], runs: Number(r[1]) } : null;
  }

  /**
   * Removes the finished head job. Returns the sandbox's next job when this worker may run it
   * right away, `lost` when the lease had passed to another worker (nothing was removed).
   */
  async complete(
    sandbox: string,
    token: string,
    leaseMs: number,
    mayChain = true,
  ): Promise<LeasedJob | 'done' | 'lost'> {
    const r = (await this.s.tutorQComplete(
      `${this.p}leases`,
      `${this.p}owners`,
      `${this.p}runs`,
      this.readyKey,
      `${this.p}pending`,
      sandbox,
      token,
      leaseMs,
      `${this.p}sb:`,
      mayChain ? '1' : '0',
    )) as [number, string?, number?];
    if (r[0] === 0) return 'lost';
    if (r[0] === 1) return 'done';
    return { sandbox, raw: r[1]!, runs: Number(r[2]) };
  }

  /** Puts a sandbox taken but not leased back at the front of `ready`. */
  async giveBack(sandbox: string): Promise<void> {
    await this.s.tutorQGiveBack(this.takenKey, this.readyKey, sandbox);
  }

  async renew(token: string, leaseMs: number, sandboxes: string[]): Promise<void> {
    if (sandboxes.length === 0) return;
    await this.s.tutorQRenew(`${this.p}leases`, `${this.p}owners`, token, leaseMs, ...sandboxes);
  }

  /** Gives back sandboxes of dead workers; -1 when another worker swept within the interval. */
  async sweep(intervalMs: number): Promise<number> {
    return (await this.s.tutorQSweep(
      `${this.p}leases`,
      `${this.p}owners`,
      this.readyKey,
      this.takenKey,
      `${this.p}taken-seen`,
      `${this.p}sweep-lock`,
      intervalMs,
    )) as number;
  }

  /** Keeps a failed job (newest first, the last 1,000) with the reason, for operators. */
  async recordFailed(entry: { id: string; sandbox: string; reason: string; raw: string }): Promise<void> {
    const json = JSON.stringify({ ...entry, raw: entry.raw.slice(0, 4096), at: Date.now() });
    await this.redis.multi().lpush(`${this.p}failed`, json).ltrim(`${this.p}failed`, 0, 999).exec();
  }

  async failed(): Promise<Array<{ id: string; sandbox: string; reason: string; raw: string; at: number }>> {
    return (await this.redis.lrange(`${this.p}failed`, 0, -1)).map((s) => JSON.parse(s));
  }

  /** Jobs queued and not completed, sandboxes running one, failed jobs kept. */
  async depth(): Promise<{ pending: number; active: number; failed: number }> {
    const [pending, active, failed] = await Promise.all([
      this.redis.get(`${this.p}pending`),
      this.redis.zcard(`${this.p}leases`),
      this.redis.llen(`${this.p}failed`),
    ]);
    return { pending: Number(pending ?? 0), active, failed };
  }
}
