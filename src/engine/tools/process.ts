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
  /** The container's main process (may keep running) rather than an exec or a pipeline stage. */
  main: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** A program that keeps running: what it serves, when it ends by itself, its exit code on SIGTERM. */
export interface Daemon {
  listeners: ListenerRecord[];
  exitAfterMs?: number;
  /** Exit code when `docker stop` sends SIGTERM; null: ignores it (PID 1 without a handler) -> 137. */
  termCode: number | null;
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
