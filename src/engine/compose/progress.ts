/**
 * How each Compose reports progress without a terminal (both on stderr).
 * - 1.29: the ParallelStreamWriter's no-ANSI mode: `Creating x ... ` when an operation starts and
 *   `Creating x ... done` when it ends, names padded to the longest seen so far in the command;
 *   other news as bare log lines (no `ERROR:`/`WARNING:` prefix without a terminal).
 * - v2: the plain progress writer: ` Container x  Creating` / ` Container x  Created`
 *   (`fmt.Fprintln("", id, text, status)`).
 */
import type { Terminal } from '../cli/terminal.ts';
import type { ComposeStyle } from './errors.ts';

export class Progress {
  private width = 0;

  constructor(
    readonly style: ComposeStyle,
    private readonly term: Terminal,
  ) {}

  /** A log line (stderr). */
  info(text: string): void {
    this.term.eprintln(text);
  }

  /** Compose 1.29's parallel operation over `names`: every start line, then every result. */
  batch(action: string, names: string[], result: (name: string) => 'done' | 'error' = () => 'done'): void {
    for (const n of names) this.width = Math.max(this.width, `${action} ${n}`.length);
    for (const n of names) this.term.eprintln(`${`${action} ${n}`.padEnd(this.width)} ... `);
    for (const n of names) this.term.eprintln(`${`${action} ${n}`.padEnd(this.width)} ... ${result(n)}`);
  }

  /** One v2 event line. */
  event(id: string, status: string): void {
    this.term.eprintln(` ${id}  ${status}`);
  }
}
