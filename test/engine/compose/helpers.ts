import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';
import type { ContainerRecord } from '../../../src/engine/model/state.ts';
import { connect, resolve } from '../../../src/engine/tools/netinfo.ts';

export const T0 = Date.UTC(2026, 10, 28, 2, 0, 0);

export function freshEngine(seed = 7): Engine {
  return new Engine({ seed, clock: new ManualClock(T0) });
}

/** Puts a compose file in the sandbox host's home, as `/compose save` does. */
export function putFile(engine: Engine, path: string, text: string): void {
  engine.state.files[path.startsWith('/') ? path : `/root/${path}`] = text;
}

export async function run(engine: Engine, line: string): Promise<{ out: string; code: number }> {
  const r = await runHostLine(engine, line);
  return { out: r.combined, code: r.exitCode };
}

export function container(engine: Engine, name: string): ContainerRecord {
  const c = engine.state.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

/** What `from` gets asking its resolver for `name`: an address, or null. */
export function lookup(engine: Engine, from: string, name: string): string | null {
  const r = resolve(engine, container(engine, from), name);
  return 'ip' in r ? r.ip : null;
}

/** Whether a TCP connection from `from` to `name:port` is accepted. */
export function tcp(engine: Engine, from: string, name: string, port: number): string {
  const ip = lookup(engine, from, name);
  if (!ip) return 'unresolved';
  return connect(engine, container(engine, from), ip, port).kind;
}
