/**
 * A process inside a simulated container: its argv, environment, working directory and output
 * streams, and how it ended (an exit code) or that it keeps running as a server.
 */
import type { Engine } from '../engine.ts';
import type { ContainerRecord, ListenerRecord } from '../model/state.ts';

export interface Proc {
  engine: Engine;
  container: ContainerRecord;
  argv: string[];
  /** `KEY=value` entries, in order. */
  env: string[];
  cwd: string;
  user: string;
  stdin: string;
  /**
   * A main process whose stdin an attached client feeds (`docker run -i`): it reads to the
   * client's EOF. Without it, a main process's open stdin (`-i`, nobody attached) never ends.
   */
  stdinAttached?: boolean;
  /** The container's main process (may keep running) rather than an exec or a pipeline stage. */
  main: boolean;
  /** `ms`: when it was written on the engine's clock, if not now (a main script's simulated time). */
  out(text: string, ms?: number): void;
  err(text: string, ms?: number): void;
}

/** A program that keeps running: what it serves, when it ends by itself, its exit code on SIGTERM. */
export interface Daemon {
  listeners: ListenerRecord[];
  exitAfterMs?: number;
  /** Exit code when `docker stop` sends SIGTERM; null: ignores it (PID 1 without a handler) -> 137. */
  termCode: number | null;
}

/**
 * Thrown when a process reads a stdin whose client has not closed it yet. Programs here are
 * instant, so the process is run again, from the start, once the whole input is there.
 */
export class StdinPending extends Error {
  constructor() {
    super('stdin is still open');
  }
}

/**
 * The `stdin` of a process fed by a client: the text once the client closed its side, until then
 * a read throws `StdinPending`. (Spreading a `Proc` reads it too, which only defers the run.)
 */
export function withStdin<P extends Omit<Proc, 'stdin'>>(proc: P, feed: () => string | undefined): P & Proc {
  return Object.defineProperty(proc, 'stdin', {
    enumerable: true,
    configurable: true,
    get() {
      const text = feed();
      if (text === undefined) throw new StdinPending();
      return text;
    },
  }) as P & Proc;
}

/**
 * `{ ...p, ...overrides }` that leaves a client-fed stdin unread: a spread would call its getter,
 * making every program look as if it read its input.
 */
export function derive(p: Proc, overrides: Partial<Proc>): Proc {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(p));
  return Object.defineProperties(out, Object.getOwnPropertyDescriptors(overrides)) as Proc;
}

export type ProcResult = { code: number } | { daemon: Daemon };

export const exited = (code: number): ProcResult => ({ code });

export function getEnv(proc: Pick<Proc, 'env'>, key: string): string | undefined {
  for (let i = proc.env.length - 1; i >= 0; i--) {
    const e = proc.env[i]!;
    if (e.startsWith(`${key}=`)) return e.slice(key.length + 1);
  }
  return undefined;
}

export function setEnv(env: string[], key: string, value: string): string[] {
  const out = env.filter((e) => !e.startsWith(`${key}=`));
  out.push(`${key}=${value}`);
  return out;
}
