/**
 * The parser of Go's `text/template` (`text/template/parse/parse.go` and `node.go`): tokens from
 * the lexer to a tree of nodes, with Go's error messages (`template: :1: unexpected "}" in operand`).
 */
import { type Item, type ItemType, itemString, lex } from './template-lex.ts';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  /** What `Execute` had already written when it failed (Go writes as it goes). */
  output = '';
}

// ---- Nodes ----

export interface FieldNode {
  readonly type: 'field';
  readonly pos: number;
  readonly ident: readonly string[];
}
export interface VariableNode {
  readonly type: 'variable';
  readonly pos: number;
  readonly ident: readonly string[];
}
export interface ChainNode {
  readonly type: 'chain';
  readonly pos: number;
  readonly node: ArgNode;
  readonly field: readonly string[];
}
export interface IdentifierNode {
  readonly type: 'identifier';
  readonly pos: number;
  readonly ident: string;
}
export interface NumberNode {
  readonly type: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isFloat: boolean;
  readonly int: number;
  readonly float: number;
}
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | NumberNode
  | PipeNode
  | { readonly type: 'dot'; readonly pos: number }
  | { readonly type: 'nil'; readonly pos: number }
  | { readonly type: 'bool'; readonly pos: number; readonly value: boolean }
  | { readonly type: 'string'; readonly pos: number; readonly quoted: string; readonly text: string };

export interface CommandNode {
  readonly type: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}
export interface PipeNode {
  readonly type: 'pipe';
  readonly pos: number;
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface ListNode {
  readonly type: 'list';
  readonly pos: number;
  readonly nodes: Node[];
}
export interface BranchNode {
  readonly type: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode {
  readonly type: 'template';
  readonly pos: number;
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}
export type Node =
  | ListNode
  | BranchNode
  | TemplateNode
  | { readonly type: 'text'; readonly pos: number; readonly text: string }
  | { readonly type: 'action'; readonly pos: number; readonly line: number; readonly pipe: PipeNode }
  | { readonly type: 'break' | 'continue'; readonly pos: number; readonly line: number }
  | { readonly type: 'end' | 'else'; readonly pos: number };

export type AnyNode = Node | ArgNode | CommandNode;

/** `Node.String()`, as exec errors quote the node they failed at. */
export function nodeString(n: AnyNode): string {
  switch (n.type) {
    case 'field':
      return n.ident.map((id) => `.${id}`).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain': {
      const head = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.field.map((f) => `.${f}`).join('');
    }
    case 'identifier':
      return n.ident;
    case 'number':
      return n.text;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'string':
      return n.quoted;
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'pipe': {
      const decl = n.decl.length > 0 ? `${n.decl.map(nodeString).join(', ')} := ` : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      const elsePart = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
    }
    case 'template':
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
    case 'continue':
    case 'end':
    case 'else':
      return `{{${n.type}}}`;
  }
}

// ---- Parsing ----

/** The token stream, shared by the trees of one parse (`define` bodies read from it too). */
class Stream {
  private i = 0;
  constructor(private readonly items: readonly Item[]) {}
  next(): Item {
    const item = this.items[Math.min(this.i, this.items.length - 1)]!;
    this.i++;
    return item;
  }
}

export interface ParsedTemplates {
  readonly root: ListNode;
  readonly defined: Map<string, ListNode>;
}

/** Parses `text` as the template `name` (as `template.New(name).Parse(text)`). */
export function parse(text: string, funcs: ReadonlySet<string>, name = ''): ParsedTemplates {
  const stream = new Stream(lex(text));
  const treeSet = new Map<string, ListNode>();
  const tree = new Tree(name, name, stream, funcs, treeSet);
  const root = tree.parse();
  tree.add(root);
  return { root, defined: treeSet };
}

const isEmptyTree = (n: Node): boolean => {
  if (n.type === 'list') return n.nodes.every(isEmptyTree);
  if (n.type === 'text') return n.text.trim() === '';
  return false;
};

class Tree {
  private readonly token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  constructor(
    private name: string,
    /** The top-level template's name, which every parse error names. */
    private readonly parseName: string,
    private readonly stream: Stream,
    private readonly funcs: ReadonlySet<string>,
    private readonly treeSet: Map<string, ListNode>,
  ) {}

  // Token buffer, as Go's three-token look-ahead.
  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.stream.next();
    return this.token[this.peekCount]!;
  }
  private backup(): void {
    this.peekCount++;
  }
  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }
  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }
  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.stream.next();
    return this.token[0];
  }
  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.typ === 'space');
    return token;
  }
  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  private errorf(message: string): never {
    throw new TemplateError(`template: ${this.parseName}:${this.token[0]?.line ?? 1}: ${message}`);
  }
  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }
  private unexpected(token: Item, context: string): never {
    if (token.typ === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${token.val}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  add(root: ListNode): void {
    const existing = this.treeSet.get(this.name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.treeSet.set(this.name, root);
      return;
    }
    if (!isEmptyTree(root))
      this.errorf(`template: multiple definition of template ${JSON.stringify(this.name)}`);
  }

  /** The top level: like itemList, but allows `define` and runs to EOF. */
  parse(): ListNode {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== 'EOF') {
      if (this.peek().typ === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().typ === 'define') {
          new Tree('definition', this.parseName, this.stream, this.funcs, this.treeSet).parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  private parseDefinition(): void {
    const context = 'define clause';
    this.name = this.templateName(this.nextNonSpace(), context);
    this.expect('rightDelim', context);
    const [list, end] = this.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add(list);
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== 'EOF') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    if (token.typ === 'text') return { type: 'text', pos: token.pos, text: token.val };
    if (token.typ === 'leftDelim') {
      this.actionLine = token.line;
      try {
        return this.action();
      } finally {
        this.actionLine = 0;
      }
    }
    this.unexpected(token, 'input');
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue':
        return this.loopControl(token);
      case 'else':
        return this.elseControl();
      case 'end':
        return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'range':
      case 'with':
        return this.branchControl(token.typ);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    const first = this.peek();
    return { type: 'action', pos: first.pos, line: first.line, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(token: Item): Node {
    const typ = token.typ === 'break' ? 'break' : 'continue';
    const next = this.nextNonSpace();
    if (next.typ !== 'rightDelim') this.unexpected(next, `{{${typ}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${typ}}} outside {{range}}`);
    return { type: typ, pos: token.pos, line: token.line };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    // `{{else if ...` is read as `{{else}}{{if ...`: the `if` stays pending.
    if (peek.typ === 'if') return { type: 'else', pos: peek.pos };
    return { type: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  private branchControl(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    let [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.type === 'else') {
      if (context === 'if' && this.peek().typ === 'if') {
        this.next();
        elseList = { type: 'list', pos: next.pos, nodes: [this.branchControl('if')] };
      } else {
        [elseList, next] = this.itemList();
        if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
      }
    }
    this.vars.length = mark;
    return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
  }

  private templateName(token: Item, context: string): string {
    if (token.typ !== 'string' && token.typ !== 'rawString') this.unexpected(token, context);
    return this.unquote(token.val);
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const block = new Tree(name, this.parseName, this.stream, this.funcs, this.treeSet);
    const [list, end] = block.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add(list);
    return { type: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  /** Pipeline: declarations? command ('|' command)* */
  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = {
      type: 'pipe',
      pos: first.pos,
      line: first.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== 'variable') break;
      this.next();
      // "$x foo" needs three tokens of look-ahead to tell from "$x := foo".
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.typ === 'assign' || next.typ === 'declare') {
        pipe.isAssign = next.typ === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
      } else if (next.typ === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace().typ;
          if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.typ === 'space') {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]?.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === 'space') continue;
      if (token.typ === 'rightDelim' || token.typ === 'rightParen') this.backup();
      else if (token.typ !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  /** operand: term .Field* */
  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().typ !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === 'field') fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { type: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
    }
    return { type: 'chain', pos, node, field: fields };
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'identifier':
        if (!this.funcs.has(token.val)) this.errorf(`function ${JSON.stringify(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, ident: token.val };
      case 'dot':
        return { type: 'dot', pos: token.pos };
      case 'nil':
        return { type: 'nil', pos: token.pos };
      case 'variable':
        if (!this.vars.includes(token.val)) this.errorf(`undefined variable ${JSON.stringify(token.val)}`);
        return { type: 'variable', pos: token.pos, ident: [token.val] };
      case 'field':
        return { type: 'field', pos: token.pos, ident: [token.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.number(token);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { type: 'string', pos: token.pos, quoted: token.val, text: this.unquote(token.val) };
      case 'error':
        this.errorf(token.val);
    }
    this.backup();
    return null;
  }

  private unquote(quoted: string): string {
    const s = unquote(quoted);
    if (s === null) this.errorf('invalid syntax');
    return s;
  }

  private number(token: Item): NumberNode {
    const text = token.val;
    const base = { type: 'number' as const, pos: token.pos, text };
    if (token.typ === 'charConstant') {
      const s = unquote(text);
      const cp = s?.codePointAt(0);
      if (s === null || cp === undefined) this.errorf('invalid syntax');
      if (String.fromCodePoint(cp).length !== s.length) this.errorf(`malformed character constant: ${text}`);
      return { ...base, isInt: true, isFloat: true, int: cp, float: cp };
    }
    if (token.typ === 'complex' || text.endsWith('i'))
      this.errorf(`illegal number syntax: ${JSON.stringify(text)}`);
    const int = parseGoInt(text);
    if (int !== null) return { ...base, isInt: true, isFloat: true, int, float: int };
    const float = parseGoFloat(text);
    if (float === null) this.errorf(`illegal number syntax: ${JSON.stringify(text)}`);
    if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${JSON.stringify(text)}`);
    const isInt = Number.isInteger(float) && Math.abs(float) < 2 ** 63;
    return { ...base, isInt, isFloat: true, int: isInt ? float : 0, float };
  }
}

/** `strconv.ParseInt(text, 0, 64)`, as a JS number; null if not an int64. */
function parseGoInt(text: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m) return null;
  let digits = m[2]!.replace(/_/g, '');
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  const n = BigInt(digits);
  const v = m[1] === '-' ? -n : n;
  if (v < -(2n ** 63n) || v >= 2n ** 63n) return null;
  return Number(v);
}

function parseGoFloat(text: string): number | null {
  const t = text.replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  return null;
}

/** `strconv.Unquote` for "..." `...` and '...' literals; null on a syntax error. */
export function unquote(quoted: string): string | null {
  const q = quoted[0];
  if (quoted.length < 2 || quoted[quoted.length - 1] !== q) return null;
  const body = quoted.slice(1, -1);
  if (q === '`') return body.includes('`') ? null : body.replace(/\r/g, '');
  if (q !== '"' && q !== "'") return null;
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === q) return null;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
    };
    if (e !== undefined && simple[e] !== undefined) out += simple[e];
    else if (e === q) out += e;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return null;
      const v = Number.parseInt(hex, 16);
      if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))) return null;
      out += String.fromCodePoint(v);
      i += len;
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255) return null;
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 2;
    } else return null;
  }
  return out;
}
