/**
 * Where a sandbox's topology comes from: the simulated engine's records when the backend is the
 * simulator (no commands run, nothing in the sandbox's history), else `docker ... inspect` run
 * inside the sandbox like any student command.
 */
import type { Engine } from '../engine/engine.ts';
import type { SandboxBackend, SandboxKey } from '../sandbox/backend.ts';
import { collectTopology } from './from-docker-inspect.ts';
import { topologyFromState } from './from-sim-state.ts';
import type { Topology } from './model.ts';

/** A backend that lends its engine (the sim backend's `withEngine`). */
interface EngineLender {
  withEngine<T>(key: SandboxKey, fn: (engine: Engine) => T | Promise<T>): Promise<T>;
}

function lendsEngine(b: SandboxBackend): b is SandboxBackend & EngineLender {
  return b.kind === 'sim' && typeof (b as Partial<EngineLender>).withEngine === 'function';
}

export function readTopology(backend: SandboxBackend, key: SandboxKey): Promise<Topology> {
  if (lendsEngine(backend)) return backend.withEngine(key, (e) => topologyFromState(e.state));
  return collectTopology(backend, key);
}
