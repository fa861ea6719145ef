/**
 * Reading a sandbox's engine state when the backend is the simulator. Tutoring compares states
 * (`--explain`) and reads the topology (`/why`) this way; a real Docker sandbox has no such state
 * and gets the text-only or inspect-based paths instead.
 */
import type { Engine } from '../engine/engine.ts';
import type { EngineState } from '../engine/model/state.ts';
import type { SandboxBackend, SandboxKey } from '../sandbox/backend.ts';

/** What the sim backend offers beyond the backend interface. */
export interface EngineAccess {
  withEngine<T>(key: SandboxKey, fn: (engine: Engine) => T | Promise<T>): Promise<T>;
}

export function engineAccess(backend: SandboxBackend): EngineAccess | null {
  const b = backend as SandboxBackend & Partial<EngineAccess>;
  return backend.kind === 'sim' && typeof b.withEngine === 'function' ? (b as EngineAccess) : null;
}

/** A copy of the sandbox's state, or null when the backend is not the simulator. */
export async function stateCopy(backend: SandboxBackend, key: SandboxKey): Promise<EngineState | null> {
  const access = engineAccess(backend);
  if (!access) return null;
  return access.withEngine(key, (engine) => structuredClone(engine.snapshot()));
}
