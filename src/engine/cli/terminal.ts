/** What a command prints: stdout and stderr kept apart and interleaved, and the exit code. */
export class Terminal {
  stdout = '';
  stderr = '';
  /** stdout and stderr in the order written, as `2>&1` shows them. */
  combined = '';

  out(text: string): void {
    this.stdout += text;
    this.combined += text;
  }

  err(text: string): void {
    this.stderr += text;
    this.combined += text;
  }

  /** A line on stdout. */
  println(text = ''): void {
    this.out(`${text}\n`);
  }

  /** A line on stderr. */
  eprintln(text = ''): void {
    this.err(`${text}\n`);
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  combined: string;
  exitCode: number;
}

/** Ends a command early with an exit code, after its message is printed. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    readonly text = '',
  ) {
    super(text || `exit ${exitCode}`);
  }
}
