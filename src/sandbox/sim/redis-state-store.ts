/**
 * Simulated sandboxes' state in Redis, so any worker process on any machine can run any
 * sandbox's next command. One string key per sandbox, `tutor:sandbox:{platform}:{workspace}:{user}`,
 * holding versioned JSON: `{"version":N,"savedAt":MS,"state":{...}}`.
 *
 * Saves are compare-and-set on that version (a Lua script), so two commands that race on one
 * sandbox can never silently overwrite each other: the loser gets a StateConflictError and its
 * write is dropped whole. The job pipeline already runs one sandbox's commands one at a time;
 * this is the guard for what slips past that (a timed-out command still finishing, a TA reset).
 */
import type { Redis } from 'ioredis';
import type { EngineState } from '../../engine/model/state.ts';
import type { SandboxStateStore } from './state-store.ts';

export const SANDBOX_KEY_PREFIX = 'tutor:sandbox:';
/** Sorted set of sandbox keys scored by last save (ms): listing and idle reaping read it. */
export const SANDBOX_INDEX_SUFFIX = 'index';

/** A save lost a race: someone else saved (or reset) the sandbox since it was loaded. Safe to retry. */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
  readonly retryable = true;
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`sandbox ${key} changed while a command ran (expected version ${expected}, found ${actual})`);
  }
}

// KEYS[1] state key, KEYS[2] index; ARGV[1] expected version, ARGV[2] new document, ARGV[3] now, ARGV[4] member.
// Returns the version found: equal to ARGV[1] means saved.
const CAS_SAVE = `
local cur = redis.call('GET', KEYS[1])
local v = 0
if cur then v = tonumber(string.match(cur, '^{"version":(%d+),')) or -1 end
if v ~= tonumber(ARGV[1]) then return v end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return v
`;

export interface RedisStateStoreOptions {
  /** Key prefix; default `tutor:sandbox:`. Tests use a random one. */
  prefix?: string;
  /** Milliseconds since the epoch, for `savedAt` and the index. Default `Date.now`. */
  now?: () => number;
}

interface Versioned {
  version: number;
  savedAt: number;
  state: EngineState;
}

export class RedisStateStore implements SandboxStateStore {
  private readonly prefix: string;
  private readonly now: () => number;
  /** The version each loaded state object was read at: saves compare against it. */
  private readonly versions = new WeakMap<EngineState, number>();

  constructor(
    private readonly redis: Redis,
    opts: RedisStateStoreOptions = {},
  ) {
    this.prefix = opts.prefix ?? SANDBOX_KEY_PREFIX;
    this.now = opts.now ?? Date.now;
  }

  keyFor(key: string): string {
    return this.prefix + key;
  }

  async load(key: string): Promise<EngineState | null> {
    const json = await this.redis.get(this.keyFor(key));
    if (json === null) return null;
    const doc = JSON.parse(json) as Versioned;
    this.versions.set(doc.state, doc.version);
    return doc.state;
  }

  /** Saves `state` if nobody saved the sandbox since it was loaded; throws StateConflictError otherwise. */
  async save(key: string, state: EngineState): Promise<void> {
    const expected = this.versions.get(state) ?? 0;
    const now = this.now();
    // `version` first, so the Lua script reads it without decoding the whole document.
    const doc = `{"version":${expected + 1},"savedAt":${now},"state":${JSON.stringify(state)}}`;
    const found = (await this.redis.eval(
      CAS_SAVE,
      2,
      this.keyFor(key),
      this.prefix + SANDBOX_INDEX_SUFFIX,
      String(expected),
      doc,
      String(now),
      key,
    )) as number;
    if (found !== expected) throw new StateConflictError(key, expected, found);
    this.versions.set(state, expected + 1);
  }

  async delete(key: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keyFor(key))
      .zrem(this.prefix + SANDBOX_INDEX_SUFFIX, key)
      .exec();
  }

  async keys(): Promise<string[]> {
    return this.redis.zrange(this.prefix + SANDBOX_INDEX_SUFFIX, 0, -1);
  }

  /** Sandboxes not saved since `beforeMs`, oldest first (idle reaping). */
  async idleSince(beforeMs: number, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(this.prefix + SANDBOX_INDEX_SUFFIX, '-inf', beforeMs, 'LIMIT', 0, limit);
  }

  /** The stored version of a sandbox (0 = none), for tests and diagnostics. */
  async version(key: string): Promise<number> {
    const json = await this.redis.get(this.keyFor(key));
    if (json === null) return 0;
    return Number(/^\{"version":(\d+),/.exec(json)?.[1] ?? -1);
  }
}
