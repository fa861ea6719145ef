/**
 * The sandbox backend: where a student's commands run. One narrow interface, two implementations
 * (the simulated engine and real Docker-in-Docker), one contract suite run against both.
 */

/** Identifies one student's sandbox: `platform:workspace:user`. */
export type SandboxKey = string;

export function sandboxKey(platform: string, workspace: string, userId: string): SandboxKey {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${clean(platform)}:${clean(workspace)}:${clean(userId)}`;
}

export interface ExecResult {
  /** stdout and stderr together, in the order written, as `2>&1` shows them. */
  output: string;
  exitCode: number;
  /** The command was cut short (timeout or output cap). */
  truncated?: boolean;
  /** Something the student should know beyond the output (sandbox recreated, reaped). */
  notice?: string;
}

export interface ExecOptions {
  /**
   * Run the line as the course's recorder does, `sh -c 'LINE 2>&1'` keeping stdout only: in
   * `a; b` or `a | b` only the last command's errors are shown. Chat shows every error instead.
   */
  asRecorded?: boolean;
}

export interface SandboxBackend {
  readonly kind: 'sim' | 'dind';
  /** Runs one line as typed on the sandbox host (`docker network ls`), creating the sandbox if needed. */
  exec(key: SandboxKey, line: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Throws the sandbox away; the next command starts fresh. */
  reset(key: SandboxKey): Promise<void>;
  /** Keys of the sandboxes that exist. */
  list(): Promise<SandboxKey[]>;
  close(): Promise<void>;
}
