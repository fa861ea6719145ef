/**
 * Parses a busybox ash script into a syntax tree (`ast.ts`): lists with `;`, `&` and newlines,
 * `&&`/`||`, pipelines with `!`, simple commands with assignments and redirections (here-documents
 * too), `{ }`, `( )`, `if`, `while`, `until`, `for`, `case` and functions; words with quotes,
 * `$name`, `${name OP word}`, `$(...)`, backquotes and `$((...))`. Errors carry ash's own text
 * (`unexpected "done"`, `unexpected end of file (expecting "fi")`), shown as
 * `sh: syntax error: TEXT`.
 */
import type { Assign, Node, ParamOp, Redir, RedirOp, Word, WordPart } from './ast.ts';
import { EMPTY } from './ast.ts';
import { ShellSyntaxError } from './split-words.ts';

export { ShellSyntaxError };

type Token =
  | { k: 'word'; parts: Word; raw: string }
  | { k: 'io'; fd: number }
  | { k: 'op'; op: string }
  | { k: 'nl' }
  | { k: 'eof' };

const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'case',
  'esac',
  'while',
  'until',
  'for',
  '{',
  '}',
  '!',
  'in',
]);
/** Keywords that end a list (ash's `tokendlist`). */
const LIST_END = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const OPS = ['<<-', '&&', '||', ';;', '<<', '>>', '<&', '>&', '<>', '>|', ';', '&', '|', '(', ')', '<', '>'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPECIAL_PARAMS = '@*#?-$!';

interface PendingDoc {
  redir: Redir;
  delim: string;
  quoted: boolean;
  strip: boolean;
}

/** Parses a whole script. Throws ShellSyntaxError with ash's message. */
export function parseShell(src: string): Node {
  return new Parser(src).program();
}

/**
 * Reads a script one top-level command line at a time, as ash does: a syntax error on a later
 * line shows only after the lines before it ran.
 */
export class ScriptReader {
  private readonly parser: Parser;
  constructor(src: string) {
    this.parser = new Parser(src);
  }
  /** The next command line, or null at the end. Throws ShellSyntaxError. */
  next(): Node | null {
    return this.parser.topLevel();
  }
  /** Nothing but blanks and comments is left (the command just read is the script's last). */
  atEnd(): boolean {
    return this.parser.restIsEmpty();
  }
}

class Parser {
  private i = 0;
  private peeked: Token | null = null;
  private docs: PendingDoc[] = [];
  /** Where each line starts, for the line numbers of commands (ash counts from 0 in `-c`). */
  private lineStarts: number[] | null = null;
  private tokenStart = 0;

  constructor(private readonly src: string) {}

  program(): Node {
    this.skipNewlines();
    if (this.peek().k === 'eof') return EMPTY;
    const list = this.list();
    const t = this.peek();
    if (t.k !== 'eof') throw this.unexpected(t);
    return list;
  }

  topLevel(): Node | null {
    this.skipNewlines();
    if (this.peek().k === 'eof') return null;
    const list = this.list(true);
    const t = this.peek();
    if (t.k === 'nl') this.next();
    else if (t.k !== 'eof') throw this.unexpected(t);
    return list;
  }

  restIsEmpty(): boolean {
    if (this.peeked && this.peeked.k !== 'eof' && this.peeked.k !== 'nl') return false;
    return /^(\s|#[^\n]*)*$/.test(this.src.slice(this.i));
  }

  private lineOf(pos: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [];
      for (let k = 0; k < this.src.length; k++) if (this.src[k] === '\n') this.lineStarts.push(k);
    }
    let n = 0;
    while (n < this.lineStarts.length && this.lineStarts[n]! < pos) n++;
    return n;
  }

  // ---- tokens ----

  private peek(): Token {
    if (!this.peeked) this.peeked = this.lex();
    return this.peeked;
  }

  private next(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  /** The keyword a token is in command position (a plain unquoted word), if any. */
  private keyword(t: Token): string | null {
    if (t.k !== 'word' || t.parts.length !== 1) return null;
    const p = t.parts[0]!;
    if (p.k !== 'lit' || p.quoted || !KEYWORDS.has(p.text)) return null;
    return p.text;
  }

  private isOp(t: Token, op: string): boolean {
    return t.k === 'op' && t.op === op;
  }

  /** ash's message for `t`; `expecting` is a keyword or operator, shown quoted, or `word`. */
  private unexpected(t: Token, expecting?: string): ShellSyntaxError {
    let what: string;
    if (t.k === 'eof') what = 'end of file';
    else if (t.k === 'nl') what = 'newline';
    else if (t.k === 'op') what = `"${t.op}"`;
    else if (t.k === 'io') what = 'word';
    else {
      const kw = this.keyword(t);
      what = kw && kw !== 'in' ? `"${kw}"` : 'word';
    }
    const exp = expecting === 'word' ? ' (expecting word)' : expecting ? ` (expecting "${expecting}")` : '';
    return new ShellSyntaxError(`unexpected ${what}${exp}`);
  }

  private expectKeyword(kw: string): void {
    const t = this.peek();
    if (this.keyword(t) !== kw) throw this.unexpected(t, kw);
    this.next();
  }

  private skipNewlines(): void {
    while (this.peek().k === 'nl') this.next();
  }

  // ---- grammar ----

  /** A list of and-or lists; at least one command, then up to a token that ends a list. */
  private list(top = false): Node {
    const items: Array<{ node: Node; bg: boolean }> = [];
    // At the end of the script an empty list is left for its owner to complain (`expecting "done"`).
    if (this.peek().k === 'eof') return EMPTY;
    for (;;) {
      if (items.length) {
        const t = this.peek();
        const kw = this.keyword(t);
        if (t.k === 'eof' || this.isOp(t, ')') || this.isOp(t, ';;') || (kw && LIST_END.has(kw))) break;
      }
      const node = this.andOr();
      const t = this.peek();
      if (this.isOp(t, '&') || this.isOp(t, ';') || t.k === 'nl') {
        if (top && t.k === 'nl') {
          items.push({ node, bg: false });
          break;
        }
        this.next();
        items.push({ node, bg: t.k === 'op' && t.op === '&' });
        if (top && this.peek().k === 'nl') break;
        this.skipNewlines();
        continue;
      }
      items.push({ node, bg: false });
      break;
    }
    return items.length === 1 && !items[0]!.bg ? items[0]!.node : { t: 'seq', items };
  }

  private andOr(): Node {
    let left = this.pipeline();
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '&&') && !this.isOp(t, '||')) return left;
      this.next();
      this.skipNewlines();
      const right = this.pipeline();
      left = { t: (t as { op: string }).op === '&&' ? 'and' : 'or', left, right };
    }
  }

  private pipeline(): Node {
    let bang = false;
    if (this.keyword(this.peek()) === '!') {
      this.next();
      bang = true;
    }
    const cmds = [this.command()];
    while (this.isOp(this.peek(), '|')) {
      this.next();
      this.skipNewlines();
      cmds.push(this.command());
    }
    return cmds.length === 1 && !bang ? cmds[0]! : { t: 'pipe', cmds, bang };
  }

  private command(): Node {
    const t = this.peek();
    const kw = this.keyword(t);
    let node: Node;
    switch (kw) {
      case 'if':
        node = this.ifClause();
        break;
      case 'while':
      case 'until': {
        this.next();
        const cond = this.list();
        this.expectKeyword('do');
        const body = this.list();
        this.expectKeyword('done');
        node = { t: kw, cond, body, redirs: [] };
        break;
      }
      case 'for':
        node = this.forClause();
        break;
      case 'case':
        node = this.caseClause();
        break;
      case '{': {
        this.next();
        const body = this.list();
        this.expectKeyword('}');
        node = { t: 'brace', body, redirs: [] };
        break;
      }
      case null:
      case 'in':
        if (t.k === 'word' && plainText(t.parts) === 'function') {
          // `function NAME [()] BODY` (busybox's bash compatibility).
          this.next();
          const nameTok = this.next();
          const name = nameTok.k === 'word' ? plainText(nameTok.parts) : null;
          if (name === null || !NAME.test(name)) throw this.unexpected(nameTok);
          if (this.isOp(this.peek(), '(')) {
            this.next();
            const close = this.next();
            if (!this.isOp(close, ')')) throw this.unexpected(close, ')');
          }
          this.skipNewlines();
          return { t: 'func', name, body: this.command() };
        }
        if (this.isOp(t, '(')) {
          this.next();
          const body = this.list();
          const close = this.peek();
          if (!this.isOp(close, ')')) throw this.unexpected(close, ')');
          this.next();
          node = { t: 'sub', body, redirs: [] };
          break;
        }
        return this.simple();
      default:
        throw this.unexpected(t);
    }
    const redirs = (node as { redirs: Redir[] }).redirs;
    for (let r = this.redirect(); r; r = this.redirect()) redirs.push(r);
    return node;
  }

  private ifClause(): Node {
    this.next();
    const clauses: Array<{ cond: Node; body: Node }> = [];
    let elseBody: Node | undefined;
    for (;;) {
      const cond = this.list();
      this.expectKeyword('then');
      const body = this.list();
      clauses.push({ cond, body });
      const kw = this.keyword(this.peek());
      if (kw === 'elif') {
        this.next();
        continue;
      }
      if (kw === 'else') {
        this.next();
        elseBody = this.list();
      }
      this.expectKeyword('fi');
      break;
    }
    return { t: 'if', clauses, ...(elseBody ? { else: elseBody } : {}), redirs: [] };
  }

  private forClause(): Node {
    this.next();
    const nameTok = this.next();
    const name = nameTok.k === 'word' ? plainText(nameTok.parts) : null;
    if (name === null || !NAME.test(name)) throw new ShellSyntaxError('bad for loop variable');
    let items: Word[] | null = null;
    this.skipNewlines();
    if (this.keyword(this.peek()) === 'in') {
      this.next();
      items = [];
      for (;;) {
        const t = this.peek();
        if (t.k === 'word') {
          items.push(this.next().k === 'word' ? t.parts : []);
          continue;
        }
        if (this.isOp(t, ';') || t.k === 'nl') {
          this.next();
          break;
        }
        throw this.unexpected(t, 'do');
      }
    } else if (this.isOp(this.peek(), ';')) this.next();
    this.skipNewlines();
    this.expectKeyword('do');
    const body = this.list();
    this.expectKeyword('done');
    return { t: 'for', name, items, body, redirs: [] };
  }

  private caseClause(): Node {
    this.next();
    const wordTok = this.next();
    if (wordTok.k !== 'word') throw this.unexpected(wordTok, 'word');
    this.skipNewlines();
    this.expectKeyword('in');
    const arms: Array<{ patterns: Word[]; body: Node | null }> = [];
    for (;;) {
      this.skipNewlines();
      let t = this.peek();
      if (this.keyword(t) === 'esac') {
        this.next();
        break;
      }
      if (this.isOp(t, '(')) {
        this.next();
        t = this.peek();
      }
      const patterns: Word[] = [];
      for (;;) {
        const p = this.next();
        if (p.k !== 'word') throw this.unexpected(p, ')');
        patterns.push(p.parts);
        const sep = this.peek();
        if (this.isOp(sep, '|')) {
          this.next();
          continue;
        }
        if (this.isOp(sep, ')')) {
          this.next();
          break;
        }
        throw this.unexpected(sep, ')');
      }
      this.skipNewlines();
      let body: Node | null = null;
      const first = this.peek();
      if (!this.isOp(first, ';;') && this.keyword(first) !== 'esac') body = this.list();
      arms.push({ patterns, body });
      const end = this.peek();
      if (this.isOp(end, ';;')) {
        this.next();
        continue;
      }
      if (this.keyword(end) === 'esac') {
        this.next();
        break;
      }
      throw this.unexpected(end, 'esac');
    }
    return { t: 'case', word: wordTok.parts, arms, redirs: [] };
  }

  /** A redirection at the current token, or null. */
  private redirect(): Redir | null {
    let t = this.peek();
    let fd: number | null = null;
    if (t.k === 'io') {
      this.next();
      fd = t.fd;
      t = this.peek();
    }
    if (t.k !== 'op' || !/^(<<-|<<|>>|<&|>&|<>|>\||<|>)$/.test(t.op)) {
      if (fd !== null) throw this.unexpected(t);
      return null;
    }
    this.next();
    const op = t.op as RedirOp;
    const target = this.next();
    if (target.k !== 'word') throw this.unexpected(target);
    const redir: Redir = {
      fd: fd ?? (op.startsWith('<') && op !== '<>' ? 0 : op === '<>' ? 0 : 1),
      op,
      target: target.parts,
    };
    if (op === '<<' || op === '<<-') {
      const quoted = /['"\\]/.test(target.raw);
      this.docs.push({ redir, delim: unquoteRaw(target.raw), quoted, strip: op === '<<-' });
    }
    return redir;
  }

  private simple(): Node {
    this.peek();
    const line = this.lineOf(this.tokenStart);
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const r = this.redirect();
      if (r) {
        redirs.push(r);
        continue;
      }
      const t = this.peek();
      if (t.k !== 'word') break;
      this.next();
      if (!words.length) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t.raw);
        const first = t.parts[0];
        if (m && first?.k === 'lit' && !first.quoted && first.text.startsWith(`${m[1]}=`)) {
          const value: Word = [
            { ...first, text: first.text.slice(m[1]!.length + 1) },
            ...t.parts.slice(1),
          ].filter((p) => p.k !== 'lit' || p.text !== '' || p.quoted);
          assigns.push({ name: m[1]!, value });
          continue;
        }
        // `[[ ... ]]` (busybox's bash compatibility): test's arguments, `&&`, `||`, `<`, `>`,
        // `(` and `)` among them, up to `]]`.
        if (plainText(t.parts) === '[[') {
          words.push(t.parts);
          this.doubleBracket(words);
          continue;
        }
        // `name() body`: a function definition.
        const name = plainText(t.parts);
        if (!assigns.length && !redirs.length && name !== null && this.isOp(this.peek(), '(')) {
          this.next();
          const close = this.next();
          if (!this.isOp(close, ')')) throw this.unexpected(close, ')');
          if (!NAME.test(name)) throw new ShellSyntaxError(`bad function name`);
          this.skipNewlines();
          return { t: 'func', name, body: this.command() };
        }
      }
      words.push(t.parts);
    }
    if (!assigns.length && !words.length && !redirs.length) throw this.unexpected(this.peek());
    return { t: 'simple', assigns, words, redirs, line };
  }

  /** The words of `[[ ... ]]` after `[[`, operators as words, through `]]`. */
  private doubleBracket(words: Word[]): void {
    for (;;) {
      const t = this.peek();
      if (t.k === 'word') {
        this.next();
        words.push(t.parts);
        if (plainText(t.parts) === ']]') return;
        continue;
      }
      if (t.k === 'op' && ['&&', '||', '(', ')', '<', '>'].includes(t.op)) {
        this.next();
        words.push([{ k: 'lit', text: t.op, quoted: true }]);
        continue;
      }
      if (t.k === 'io') {
        this.next();
        words.push([{ k: 'lit', text: String(t.fd), quoted: false }]);
        continue;
      }
      return;
    }
  }

  // ---- lexer ----

  private lex(): Token {
    const s = this.src;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && s[this.i + 1] === '\n') this.i += 2;
      else if (c === '#') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else break;
    }
    this.tokenStart = this.i;
    if (this.i >= s.length) return { k: 'eof' };
    const c = s[this.i]!;
    if (c === '\n') {
      this.i++;
      this.readDocs();
      return { k: 'nl' };
    }
    for (const op of OPS) {
      if (s.startsWith(op, this.i)) {
        this.i += op.length;
        return { k: 'op', op };
      }
    }
    const start = this.i;
    const parts = this.readWord();
    const raw = s.slice(start, this.i);
    if (/^\d+$/.test(raw) && (s[this.i] === '<' || s[this.i] === '>')) return { k: 'io', fd: Number(raw) };
    return { k: 'word', parts, raw };
  }

  /** Reads an unquoted word up to a blank or an operator character. */
  private readWord(): Word {
    const s = this.src;
    const parts: WordPart[] = [];
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (' \t\r\n;&|<>()'.includes(c)) break;
      if (c === '\\') {
        if (s[this.i + 1] === '\n') this.i += 2;
        else if (this.i + 1 < s.length) {
          pushLit(parts, s[this.i + 1]!, true);
          this.i += 2;
        } else {
          pushLit(parts, '\\', false);
          this.i++;
        }
        continue;
      }
      if (this.readQuoteOrExpansion(parts, false)) continue;
      pushLit(parts, c, false);
      this.i++;
    }
    return parts;
  }

  /**
   * Reads a quoted string, a `$` expansion or a backquoted command at the cursor into `parts`;
   * false when the cursor is at none of them. `quoted`: inside double quotes.
   */
  private readQuoteOrExpansion(parts: WordPart[], quoted: boolean): boolean {
    const s = this.src;
    const c = s[this.i];
    if (c === "'") {
      const end = s.indexOf("'", this.i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      pushLit(parts, s.slice(this.i + 1, end), true);
      this.i = end + 1;
      return true;
    }
    if (c === '"') {
      this.i++;
      pushLit(parts, '', true);
      this.readDouble(parts, '"');
      return true;
    }
    if (c === '$') {
      parts.push(this.readDollar(quoted));
      return true;
    }
    if (c === '`') {
      parts.push(this.readBackquote(quoted));
      return true;
    }
    return false;
  }

  /** Reads double-quoted text up to `close` (a `"`, or the end for here-documents and `$((`). */
  private readDouble(parts: WordPart[], close: '"' | null): void {
    const s = this.src;
    for (;;) {
      if (this.i >= s.length) {
        if (close === null) return;
        throw new ShellSyntaxError('unterminated quoted string');
      }
      const c = s[this.i]!;
      if (c === close) {
        this.i++;
        return;
      }
      if (c === '\\') {
        const n = s[this.i + 1];
        if (n === '\n') {
          this.i += 2;
          continue;
        }
        if (n !== undefined && (n === '$' || n === '`' || n === '\\' || (close === '"' && n === '"'))) {
          pushLit(parts, n, true);
          this.i += 2;
          continue;
        }
        pushLit(parts, '\\', true);
        this.i++;
        continue;
      }
      if (c === '$') {
        parts.push(this.readDollar(true));
        continue;
      }
      if (c === '`') {
        parts.push(this.readBackquote(true));
        continue;
      }
      pushLit(parts, c, true);
      this.i++;
    }
  }

  private readDollar(quoted: boolean): WordPart {
    const s = this.src;
    const n = s[this.i + 1];
    if (n === "'" && !quoted) {
      // `$'...'`: C escapes (busybox's bash compatibility).
      let i = this.i + 2;
      let text = '';
      for (;;) {
        if (i >= s.length) throw new ShellSyntaxError('unterminated quoted string');
        const c = s[i]!;
        if (c === "'") break;
        if (c === '\\' && i + 1 < s.length) {
          const m = /^\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/s.exec(s.slice(i))!;
          text += cEscape(m[1]!);
          i += m[0].length;
          continue;
        }
        text += c;
        i++;
      }
      this.i = i + 1;
      return { k: 'lit', text, quoted: true };
    }
    if (n === '(' && s[this.i + 2] === '(') {
      const end = arithEnd(s, this.i + 3);
      if (end >= 0) {
        const inner = s.slice(this.i + 3, end);
        this.i = end + 2;
        const expr: WordPart[] = [];
        new Parser(inner).readDouble(expr, null);
        return { k: 'arith', expr, quoted };
      }
      throw new ShellSyntaxError("missing '))'");
    }
    if (n === '(') {
      this.i += 2;
      return { k: 'cmd', body: this.subParse(), quoted };
    }
    if (n === '{') {
      this.i += 2;
      return this.readBraced(quoted);
    }
    if (n !== undefined && (SPECIAL_PARAMS.includes(n) || /[0-9]/.test(n))) {
      this.i += 2;
      return { k: 'param', name: n, quoted };
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.i + 1, this.i + 200));
    if (m) {
      this.i += 1 + m[0].length;
      return { k: 'param', name: m[0], quoted };
    }
    this.i++;
    return { k: 'lit', text: '$', quoted };
  }

  /** `$(...)`: parses the inner list from here to its `)`. */
  private subParse(): Node {
    const saved = { peeked: this.peeked, docs: this.docs };
    this.peeked = null;
    this.docs = [];
    this.skipNewlines();
    let body: Node = EMPTY;
    if (!this.isOp(this.peek(), ')')) body = this.list();
    const t = this.next();
    if (!this.isOp(t, ')')) throw this.unexpected(t, ')');
    this.peeked = saved.peeked;
    this.docs = saved.docs;
    return body;
  }

  private readBackquote(quoted: boolean): WordPart {
    const s = this.src;
    let i = this.i + 1;
    let text = '';
    for (;;) {
      if (i >= s.length) throw new ShellSyntaxError('EOF in backquote substitution');
      const c = s[i]!;
      if (c === '`') break;
      if (c === '\\' && i + 1 < s.length && '$`\\'.includes(s[i + 1]!)) {
        text += s[i + 1];
        i += 2;
        continue;
      }
      if (c === '\\' && quoted && s[i + 1] === '"') {
        text += '"';
        i += 2;
        continue;
      }
      text += c;
      i++;
    }
    this.i = i + 1;
    return { k: 'cmd', body: new Parser(text).program(), quoted };
  }

  private readBraced(quoted: boolean): WordPart {
    const s = this.src;
    if (this.i >= s.length) throw new ShellSyntaxError("missing '}'");
    let name: string;
    let op: ParamOp | undefined;
    if (s[this.i] === '#' && s[this.i + 1] !== '}' && this.i + 1 < s.length) {
      this.i++;
      name = this.paramName();
      op = 'len';
      if (s[this.i] !== '}') throw new ShellSyntaxError('bad substitution');
      this.i++;
      return { k: 'param', name, op, quoted };
    }
    name = this.paramName();
    if (this.i >= s.length) throw new ShellSyntaxError("missing '}'");
    if (s[this.i] === '}') {
      this.i++;
      return { k: 'param', name, quoted };
    }
    const rest = s.slice(this.i, this.i + 2);
    for (const o of [
      ':-',
      ':=',
      ':?',
      ':+',
      '%%',
      '##',
      '//',
      '-',
      '=',
      '?',
      '+',
      '%',
      '#',
      '/',
      ':',
    ] as const) {
      if (!rest.startsWith(o)) continue;
      this.i += o.length;
      if (o === '/' || o === '//') {
        const arg = this.braceArg(quoted, '/');
        let arg2: Word = [];
        if (s[this.i] === '/') {
          this.i++;
          arg2 = this.braceArg(quoted, null);
        }
        this.i++;
        return { k: 'param', name, op: o, arg, arg2, quoted };
      }
      if (o === ':') {
        const arg = this.braceArg(quoted, ':');
        let arg2: Word | undefined;
        if (s[this.i] === ':') {
          this.i++;
          arg2 = this.braceArg(quoted, null);
        }
        this.i++;
        return { k: 'param', name, op: 'substr', arg, ...(arg2 ? { arg2 } : {}), quoted };
      }
      const arg = this.braceArg(quoted, null);
      this.i++;
      op = o;
      return { k: 'param', name, op, arg, quoted };
    }
    throw new ShellSyntaxError('bad substitution');
  }

  private paramName(): string {
    const s = this.src;
    const c = s[this.i];
    if (c !== undefined && SPECIAL_PARAMS.includes(c)) {
      this.i++;
      return c;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+)/.exec(s.slice(this.i, this.i + 200));
    if (!m) {
      if (this.i >= s.length) throw new ShellSyntaxError("missing '}'");
      throw new ShellSyntaxError('bad substitution');
    }
    this.i += m[0].length;
    return m[0];
  }

  /** The word inside `${name OP word}`, up to its `}` (or `stop`), which is left unread. */
  private braceArg(quoted: boolean, stop: string | null): Word {
    const s = this.src;
    const parts: WordPart[] = [];
    let depth = 0;
    for (;;) {
      if (this.i >= s.length) throw new ShellSyntaxError("missing '}'");
      const c = s[this.i]!;
      if (c === '}' && depth === 0) return parts;
      if (stop !== null && c === stop && depth === 0) return parts;
      if (c === '\\' && this.i + 1 < s.length) {
        pushLit(parts, s[this.i + 1]!, true);
        this.i += 2;
        continue;
      }
      if ((c !== "'" || !quoted) && this.readQuoteOrExpansion(parts, quoted)) continue;
      if (c === '{') depth++;
      if (c === '}') depth--;
      pushLit(parts, c, quoted);
      this.i++;
    }
  }

  /** Reads the bodies of the here-documents whose redirections ended the line just read. */
  private readDocs(): void {
    const docs = this.docs;
    this.docs = [];
    for (const d of docs) {
      const s = this.src;
      let body = '';
      for (;;) {
        if (this.i >= s.length) break;
        let end = s.indexOf('\n', this.i);
        if (end < 0) end = s.length;
        let line = s.slice(this.i, end);
        this.i = Math.min(end + 1, s.length);
        if (d.strip) line = line.replace(/^\t+/, '');
        if (line === d.delim) break;
        body += `${line}\n`;
      }
      if (d.quoted) d.redir.doc = [{ k: 'lit', text: body, quoted: true }];
      else {
        const parts: WordPart[] = [];
        new Parser(body).readDouble(parts, null);
        d.redir.doc = parts;
      }
    }
  }
}

/** What `\X` stands for in `$'...'`. */
function cEscape(e: string): string {
  const map: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    e: '\x1b',
  };
  if (map[e] !== undefined) return map[e]!;
  if (e[0] === 'x' && e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
  if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8) & 255);
  return e;
}

function pushLit(parts: WordPart[], text: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last?.k === 'lit' && last.quoted === quoted) last.text += text;
  else parts.push({ k: 'lit', text, quoted });
}

/** The text of a word made of unquoted literal text only, else null. */
function plainText(w: Word): string | null {
  if (w.length !== 1 || w[0]!.k !== 'lit' || w[0]!.quoted) return null;
  return w[0]!.text;
}

/** A here-document delimiter without its quotes. */
function unquoteRaw(raw: string): string {
  return raw.replace(/\\(.)|'([^']*)'|"([^"]*)"/g, (_, a, b, c) => a ?? b ?? c ?? '');
}

/**
 * The index of the `))` closing a `$((` whose text starts at `from`; -1 when its parentheses close
 * otherwise (`$( (cmd) )`), -2 when they never close.
 */
function arithEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return s[i + 1] === ')' ? i : i + 1 >= s.length ? -2 : -1;
      depth--;
    }
  }
  return -2;
}
