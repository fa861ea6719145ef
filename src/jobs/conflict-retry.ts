/**
 * A backend wrapper that re-runs a command whose save lost a race (StateConflictError). The lost
 * attempt wrote nothing, so running the line again on the fresh state is safe; the student sees
 * one answer, computed on the state that actually holds.
 */
import type { ExecResult, SandboxBackend, SandboxKey } from '../sandbox/backend.ts';

const isConflict = (e: unknown): boolean => e instanceof Error && e.name === 'StateConflictError';

export class ConflictRetryingBackend implements SandboxBackend {
  readonly kind: SandboxBackend['kind'];

  constructor(
    private readonly inner: SandboxBackend,
    private readonly onConflict: () => void = () => {},
    private readonly attempts = 5,
  ) {
    this.kind = inner.kind;
  }

  async exec(key: SandboxKey, line: string): Promise<ExecResult> {
    for (let i = 1; ; i++) {
      try {
        return await this.inner.exec(key, line);
      } catch (e) {
        if (!isConflict(e) || i >= this.attempts) throw e;
        this.onConflict();
      }
    }
  }

  reset(key: SandboxKey): Promise<void> {
    return this.inner.reset(key);
  }

  list(): Promise<SandboxKey[]> {
    return this.inner.list();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
