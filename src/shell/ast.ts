/**
 * The syntax tree of a busybox ash script, as `parse.ts` builds it and `interp.ts` runs it. Both
 * shells of the simulator use it: the sandbox host's (`src/engine/host.ts`) and the one inside
 * containers (`src/engine/tools/shell.ts`).
 */

/** One piece of a word; `quoted` parts are neither split into fields nor globbed. */
export type WordPart =
  | { k: 'lit'; text: string; quoted: boolean }
  /** `$name`, `${name}` and `${name OP arg}`; `op` `len` is `${#name}`. */
  | { k: 'param'; name: string; op?: ParamOp; arg?: Word; arg2?: Word; quoted: boolean }
  /** `$(...)` and backquotes. */
  | { k: 'cmd'; body: Node; quoted: boolean }
  /** `$((...))`: the expression is expanded like a double-quoted word, then evaluated. */
  | { k: 'arith'; expr: Word; quoted: boolean };

export type ParamOp =
  | 'len'
  | '-'
  | ':-'
  | '='
  | ':='
  | '?'
  | ':?'
  | '+'
  | ':+'
  | '%'
  | '%%'
  | '#'
  | '##'
  | '/'
  | '//'
  | 'substr';

export type Word = WordPart[];

export type RedirOp = '>' | '>>' | '<' | '>&' | '<&' | '<>' | '>|' | '<<' | '<<-';

export interface Redir {
  fd: number;
  op: RedirOp;
  /** The file, the descriptor (`>&2`), or a here-document's delimiter. */
  target: Word;
  /** A here-document's text: a word (expanded) or, with a quoted delimiter, literal text. */
  doc?: Word;
}

export interface Assign {
  name: string;
  value: Word;
}

export type Node =
  /** `line`: where it starts, counted from 0 (ash's error messages name it). */
  | { t: 'simple'; assigns: Assign[]; words: Word[]; redirs: Redir[]; line?: number }
  | { t: 'pipe'; cmds: Node[]; bang: boolean }
  | { t: 'and' | 'or'; left: Node; right: Node }
  /** A list: `a; b & c`. */
  | { t: 'seq'; items: Array<{ node: Node; bg: boolean }> }
  | { t: 'brace'; body: Node; redirs: Redir[] }
  | { t: 'sub'; body: Node; redirs: Redir[] }
  | { t: 'if'; clauses: Array<{ cond: Node; body: Node }>; else?: Node; redirs: Redir[] }
  | { t: 'while' | 'until'; cond: Node; body: Node; redirs: Redir[] }
  | { t: 'for'; name: string; items: Word[] | null; body: Node; redirs: Redir[] }
  | { t: 'case'; word: Word; arms: Array<{ patterns: Word[]; body: Node | null }>; redirs: Redir[] }
  | { t: 'func'; name: string; body: Node };

/** A script that does nothing (an empty `sh -c ''`). */
export const EMPTY: Node = { t: 'seq', items: [] };
