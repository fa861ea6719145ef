/**
 * The simulated backend: each sandbox is an in-process engine whose state is loaded before and
 * saved after every command. Commands for one sandbox run one at a time, in order.
 */
import type { Clock } from '../../engine/clock.ts';
import { Engine } from '../../engine/engine.ts';
import { runHostLine } from '../../engine/index.ts';
import type { ExecOptions, ExecResult, SandboxBackend, SandboxKey } from '../backend.ts';
import { MemoryStateStore, type SandboxStateStore } from './state-store.ts';

export interface SimBackendOptions {
  store?: SandboxStateStore;
  clock?: Clock;
  /** Seed for a new sandbox's IDs; by default derived from the key, so each sandbox differs. */
  seedFor?: (key: SandboxKey) => number;
  /** New sandboxes model the host the course recorded on (see EngineOptions.recordedHost). */
  recordedHost?: boolean;
}

export class SimBackend implements SandboxBackend {
  readonly kind = 'sim' as const;
  private readonly store: SandboxStateStore;
  private readonly queues = new Map<SandboxKey, Promise<unknown>>();

  constructor(private readonly opts: SimBackendOptions = {}) {
    this.store = opts.store ?? new MemoryStateStore();
  }

  exec(key: SandboxKey, line: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.serialize(key, async () => {
      const engine = await this.engineFor(key);
      const result = await runHostLine(engine, opts.asRecorded ? `${line} 2>&1` : line);
      await this.store.save(key, engine.snapshot());
      return { output: opts.asRecorded ? result.stdout : result.combined, exitCode: result.exitCode };
    });
  }

  /** Runs `fn` with the sandbox's engine and saves it afterwards (labs and quizzes inspect state this way). */
  withEngine<T>(key: SandboxKey, fn: (engine: Engine) => T | Promise<T>): Promise<T> {
    return this.serialize(key, async () => {
      const engine = await this.engineFor(key);
      const out = await fn(engine);
      await this.store.save(key, engine.snapshot());
      return out;
    });
  }

  async reset(key: SandboxKey): Promise<void> {
    await this.serialize(key, () => this.store.delete(key));
  }

  list(): Promise<SandboxKey[]> {
    return this.store.keys();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }

  private async engineFor(key: SandboxKey): Promise<Engine> {
    const state = await this.store.load(key);
    const clock = this.opts.clock;
    if (state) return new Engine({ state, ...(clock ? { clock } : {}) });
    const seed = this.opts.seedFor ? this.opts.seedFor(key) : hashSeed(key);
    return new Engine({
      seed,
      ...(clock ? { clock } : {}),
      ...(this.opts.recordedHost ? { recordedHost: true } : {}),
    });
  }

  /** One sandbox's commands in order; different sandboxes in parallel. */
  private serialize<T>(key: SandboxKey, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}

/** FNV-1a: a stable seed per sandbox key. */
export function hashSeed(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
