/**
 * A compose failure, worded both ways: Compose 1.29 (`docker-compose`, no terminal: no `ERROR:`
 * prefix) and Compose v2 (`docker compose`, which prints the error after the CLI's own exit
 * status). `line` points a student at the line of their file when one is to blame.
 */
export class ComposeError extends Error {
  override readonly name = 'ComposeError';
  constructor(
    /** Compose 1.29's text. */
    readonly v1: string,
    /** Compose v2's text (without a trailing newline). */
    readonly v2: string,
    /** Compose v2's exit status (14 file not found, 15 file invalid, 16 command syntax, else 1). */
    readonly v2Exit = 1,
    /** 1-based line of the compose file at fault, when known. */
    readonly line?: number,
    /** Compose 1.29's exit status. */
    readonly v1Exit = 1,
  ) {
    super(v2);
  }
}

/** Compose v2's exit statuses by failure category (its metrics categories). */
export const V2_EXIT = { fileNotFound: 14, parse: 15, syntax: 16, build: 17, pull: 18 } as const;

export type ComposeStyle = 'v1' | 'v2';

/** The text for `style`. */
export function styled(e: ComposeError, style: ComposeStyle): { text: string; exit: number } {
  return style === 'v1' ? { text: e.v1, exit: e.v1Exit } : { text: e.v2, exit: e.v2Exit };
}
