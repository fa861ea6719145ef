/**
 * Parses one line of the sandbox host's shell (busybox ash) into and-or lists of pipelines of
 * simple commands: `;`, `&&`, `||`, `|`, redirections (`>`, `>>`, `<`, `2>&1`, `2>/dev/null`),
 * assignments (`A=1 cmd`), quotes, `$VAR`, `${VAR}`, `$?` and command substitution (`$(...)`,
 * backquotes). Expansion happens later, when each command runs, so `false; echo $?` sees the
 * status of `false`. Background jobs, subshells, here-documents and functions are rejected:
 * the sandbox runs one line in the foreground.
 */
import { ShellSyntaxError } from './split-words.ts';

export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean }
  | { kind: 'sub'; script: string; quoted: boolean };

export type Word = WordPart[];

export interface Redirect {
  fd: number;
  /** `>`, `>>`, `<`, `>&` */
  op: '>' | '>>' | '<' | '>&';
  target: Word;
}

export interface SimpleCommand {
  assigns: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
}

export type Pipeline = SimpleCommand[];

export interface AndOrItem {
  /** How this pipeline joins the previous one. */
  op: ';' | '&&' | '||';
  pipeline: Pipeline;
}

/** An operator the sandbox shell does not run (`&`, `(`, `<<`...). */
export class UnsupportedSyntax extends Error {
  constructor(readonly operator: string) {
    super(operator);
  }
}

type Token = { kind: 'word'; word: Word; raw: string } | { kind: 'op'; op: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Reads `$(...)` starting after `$(`; returns the inner script and the index after `)`. */
function readParens(line: string, start: number): [string, number] {
  let depth = 1;
  let i = start;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      i = end + 1;
      continue;
    }
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') {
      depth--;
      if (depth === 0) return [line.slice(start, i), i + 1];
    }
    i++;
  }
  throw new ShellSyntaxError('unterminated quoted string');
}

/** Reads a `$` expansion at `i` (pointing at `$`). Returns the part and the next index, or null for a literal `$`. */
function readDollar(line: string, i: number, quoted: boolean): [WordPart, number] | null {
  const next = line[i + 1];
  if (next === '(') {
    if (line[i + 2] === '(') throw new UnsupportedSyntax('$((');
    const [script, end] = readParens(line, i + 2);
    return [{ kind: 'sub', script, quoted }, end];
  }
  if (next === '{') {
    const end = line.indexOf('}', i + 2);
    if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
    const name = line.slice(i + 2, end);
    if (!NAME.test(name) && !/^[?$#0-9]$/.test(name)) throw new ShellSyntaxError(`bad substitution`);
    return [{ kind: 'var', name, quoted }, end + 1];
  }
  if (next !== undefined && '?$#0123456789'.includes(next))
    return [{ kind: 'var', name: next, quoted }, i + 2];
  const m = NAME.exec(line.slice(i + 1));
  if (m) return [{ kind: 'var', name: m[0], quoted }, i + 1 + m[0].length];
  return null;
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let parts: WordPart[] = [];
  let raw = '';
  let inWord = false;
  const lit = (text: string, quoted: boolean) => {
    const last = parts[parts.length - 1];
    if (last?.kind === 'lit' && last.quoted === quoted) last.text += text;
    else parts.push({ kind: 'lit', text, quoted });
  };
  const endWord = () => {
    if (inWord) tokens.push({ kind: 'word', word: parts, raw });
    parts = [];
    raw = '';
    inWord = false;
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      endWord();
      i++;
      continue;
    }
    if (c === '#' && !inWord) break;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      lit(line.slice(i + 1, end), true);
      raw += line.slice(i, end + 1);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      let closed = false;
      lit('', true);
      while (i < line.length) {
        const d = line[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
          if (line[i + 1] !== '\n') lit(line[i + 1]!, true);
          i += 2;
          continue;
        }
        if (d === '$') {
          const r = readDollar(line, i, true);
          if (r) {
            parts.push(r[0]);
            i = r[1];
            continue;
          }
        }
        if (d === '`') {
          const end = line.indexOf('`', i + 1);
          if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
          parts.push({ kind: 'sub', script: line.slice(i + 1, end), quoted: true });
          i = end + 1;
          continue;
        }
        lit(d, true);
        i++;
      }
      if (!closed) throw new ShellSyntaxError('unterminated quoted string');
      raw += line.slice(start, i);
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') {
        lit(line[i + 1]!, true);
        raw += line.slice(i, i + 2);
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (c === '$') {
      const r = readDollar(line, i, false);
      if (r) {
        parts.push(r[0]);
        raw += line.slice(i, r[1]);
        inWord = true;
        i = r[1];
        continue;
      }
    }
    if (c === '`') {
      const end = line.indexOf('`', i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      parts.push({ kind: 'sub', script: line.slice(i + 1, end), quoted: false });
      raw += line.slice(i, end + 1);
      inWord = true;
      i = end + 1;
      continue;
    }
    if ('|&;<>()'.includes(c)) {
      // `2>` / `2>&1`: a word of digits right before a redirection is its file descriptor.
      let fd = '';
      if ((c === '>' || c === '<') && inWord && /^\d$/.test(raw) && parts.length === 1) {
        fd = raw;
        parts = [];
        raw = '';
        inWord = false;
      }
      endWord();
      const two = line.slice(i, i + 2);
      let op: string = c;
      if (['||', '&&', '>>', '<<', ';;', '>&', '<&', '&>', '>|'].includes(two)) op = two;
      tokens.push({ kind: 'op', op: fd + op });
      i += op.length;
      continue;
    }
    lit(c, false);
    raw += c;
    inWord = true;
    i++;
  }
  endWord();
  return tokens;
}

/** Parses `line` into and-or items. Throws ShellSyntaxError or UnsupportedSyntax. */
export function parseScript(line: string): AndOrItem[] {
  const tokens = tokenize(line);
  const items: AndOrItem[] = [];
  let op: AndOrItem['op'] = ';';
  let pipeline: Pipeline = [];
  let cmd: SimpleCommand = { assigns: [], words: [], redirects: [] };
  const isEmpty = (c: SimpleCommand) => !c.words.length && !c.assigns.length && !c.redirects.length;
  const unexpected = (what: string) => new ShellSyntaxError(`unexpected "${what}"`);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'word') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t.raw);
      const first = t.word[0];
      if (!cmd.words.length && m && first?.kind === 'lit' && !first.quoted) {
        const value = structuredClone(t.word);
        (value[0] as { text: string }).text = first.text.slice(m[1]!.length + 1);
        cmd.assigns.push({ name: m[1]!, value });
      } else cmd.words.push(t.word);
      continue;
    }
    const o = t.op;
    const redir = /^(\d?)(>>|>&|>|<|>\||&>)$/.exec(o);
    if (redir) {
      if (redir[2] === '&>') throw new UnsupportedSyntax('&>');
      const target = tokens[k + 1];
      if (target?.kind !== 'word') throw new ShellSyntaxError('unexpected newline');
      const kind = redir[2] === '>|' ? '>' : (redir[2] as Redirect['op']);
      cmd.redirects.push({
        fd: redir[1] ? Number(redir[1]) : kind === '<' ? 0 : 1,
        op: kind,
        target: target.word,
      });
      k++;
      continue;
    }
    if (o === '|') {
      if (isEmpty(cmd)) throw unexpected('|');
      pipeline.push(cmd);
      cmd = { assigns: [], words: [], redirects: [] };
      continue;
    }
    if (o === ';' || o === '&&' || o === '||') {
      if (isEmpty(cmd)) {
        if (o === ';' && !pipeline.length && !items.length) throw unexpected(';');
        if (o !== ';' || pipeline.length) throw unexpected(o);
      } else {
        pipeline.push(cmd);
        items.push({ op, pipeline });
      }
      pipeline = [];
      cmd = { assigns: [], words: [], redirects: [] };
      op = o;
      continue;
    }
    throw new UnsupportedSyntax(o);
  }
  if (!isEmpty(cmd)) pipeline.push(cmd);
  else if (pipeline.length || op !== ';') throw new ShellSyntaxError('unexpected end of file');
  if (pipeline.length) items.push({ op, pipeline });
  return items;
}
