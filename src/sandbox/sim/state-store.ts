/** Where simulated sandboxes keep their state between commands. */
import type { EngineState } from '../../engine/model/state.ts';

export interface SandboxStateStore {
  load(key: string): Promise<EngineState | null>;
  save(key: string, state: EngineState): Promise<void>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

/** State for as long as the process lives: the console's default. */
export class MemoryStateStore implements SandboxStateStore {
  private readonly states = new Map<string, string>();

  async load(key: string): Promise<EngineState | null> {
    const json = this.states.get(key);
    return json ? (JSON.parse(json) as EngineState) : null;
  }

  async save(key: string, state: EngineState): Promise<void> {
    this.states.set(key, JSON.stringify(state));
  }

  async delete(key: string): Promise<void> {
    this.states.delete(key);
  }

  async keys(): Promise<string[]> {
    return [...this.states.keys()];
  }
}
