/**
 * The executor of Go's `text/template` (`exec.go`): walks the parse tree over Go values, with
 * Go's rules for fields, maps, methods, function arguments, printing and errors
 * (`template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type T`).
 */
import { sprint } from './fmt.ts';
import { goTypeName, sprintV } from './printf.ts';
import { builtinFuncs, type FuncSpec, isTrue, type ParamType, userFunc, type Val } from './template-funcs.ts';
import {
  type AnyNode,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  nodeString,
  type PipeNode,
  TemplateError,
  type TemplateNode,
  type VariableNode,
} from './template-parse.ts';
import type { GoStruct, GoValue } from './values.ts';

/** The pipeline's previous value is absent (Go's `missingVal`). */
const MISSING: unique symbol = Symbol('missing');
type Final = Val | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}

/** Go's limit is 100000; JS stacks are shallower, so recursion stops earlier with Go's message. */
const MAX_EXEC_DEPTH = 1000;

export interface ExecContext {
  readonly text: string;
  /** The top-level template's name: errors are located in it (`template: version:1:2: …`). */
  readonly name: string;
  readonly templates: ReadonlyMap<string, ListNode>;
  readonly funcs: Readonly<Record<string, FuncSpec>>;
  /** `Option("missingkey=error")`: a missing map key is an error, as docker's inspect fallback sets. */
  readonly missingKeyError?: boolean;
}

export function execute(ctx: ExecContext, root: ListNode, data: GoValue): string {
  const out: string[] = [];
  // reflect.ValueOf(nil) is the invalid value.
  const dot = data === null ? undefined : data;
  try {
    new State(ctx, ctx.name, out, [{ name: '$', value: dot }], 0).walk(dot, root);
  } catch (e) {
    if (e instanceof TemplateError) e.output = out.join('');
    throw e;
  }
  return out.join('');
}

interface Variable {
  readonly name: string;
  value: Val;
}

class State {
  private node: AnyNode | null = null;

  constructor(
    private readonly ctx: ExecContext,
    private readonly name: string,
    private readonly out: string[],
    private readonly vars: Variable[],
    private readonly depth: number,
  ) {}

  // ---- errors ----

  private at(node: AnyNode): void {
    this.node = node;
  }

  private errorf(message: string): never {
    const name = JSON.stringify(this.name);
    if (this.node === null) throw new TemplateError(`template: ${this.name}: ${message}`);
    const location = this.errorLocation(this.node.pos);
    throw new TemplateError(
      `template: ${location}: executing ${name} at <${nodeString(this.node)}>: ${message}`,
    );
  }

  /** `Tree.ErrorContext`: line and byte column of a node, in the top-level template's name. */
  private errorLocation(pos: number): string {
    const text = this.ctx.text.slice(0, pos);
    const nl = text.lastIndexOf('\n');
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    const col = Buffer.byteLength(nl === -1 ? text : text.slice(nl + 1));
    return `${this.ctx.name}:${line}:${col}`;
  }

  // ---- variables ----

  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: Val): void {
    this.vars[this.vars.length - n]!.value = value;
  }
  private varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----

  walk(dot: Val, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.out.push(node.text);
        return;
      case 'end':
      case 'else':
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: Val, node: BranchNode): void {
    const mark = this.mark();
    const val = this.evalPipeline(dot, node.pipe);
    if (isTrue(val)) this.walk(node.type === 'with' ? val : dot, node.list);
    else if (node.elseList) this.walk(dot, node.elseList);
    this.pop(mark);
  }

  private walkRange(dot: Val, r: BranchNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: Val, elem: Val): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (!(e instanceof ContinueSignal)) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let v = val;
      while (v !== null && typeof v === 'object' && v.kind === 'ptr' && v.elem !== null) v = v.elem;
      if (v !== undefined && v !== null && typeof v === 'object' && v.kind === 'slice') {
        if (v.items.length > 0) {
          v.items.forEach((item, i) => {
            oneIteration(i, item);
          });
          return;
        }
      } else if (v !== undefined && v !== null && typeof v === 'object' && v.kind === 'map') {
        const keys = Object.keys(v.entries).sort();
        if (keys.length > 0) {
          for (const k of keys) oneIteration(k, v.entries[k] ?? null);
          return;
        }
      } else if (v !== undefined && v !== null) {
        this.errorf(`range can't iterate over ${sprintV(v)}`);
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (!(e instanceof BreakSignal)) throw e;
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: Val, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.ctx.templates.get(t.name);
    if (tmpl === undefined) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf('exceeded maximum template depth (100000)');
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    new State(this.ctx, t.name, this.out, [{ name: '$', value: newDot }], this.depth + 1).walk(newDot, tmpl);
  }

  // ---- evaluation ----

  private evalPipeline(dot: Val, pipe: PipeNode): Val {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface{} result is "dug down" to the invalid value.
      if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, result);
      else this.vars.push({ name: v.ident[0]!, value: result });
    }
    return result;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING)
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: Val, cmd: CommandNode, final: Final): Val {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): Val {
    this.at(n);
    const isHexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) {
      return { kind: 'float', value: n.float };
    }
    if (n.isInt) return n.int;
    this.errorf(`${n.text} overflows int`);
  }

  private evalFieldNode(dot: Val, field: FieldNode, args: readonly ArgNode[] | null, final: Final): Val {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: Val, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): Val {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: Val, v: VariableNode, args: readonly ArgNode[] | null, final: Final): Val {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      if (args) this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: Val,
    receiver: Val,
    node: AnyNode,
    ident: readonly string[],
    args: readonly ArgNode[] | null,
    final: Final,
  ): Val {
    let r = receiver;
    // An element of a `map[string]interface {}` (decoded JSON) has the static type `interface {}`,
    // and that is the type Go names when a field cannot be evaluated on it.
    let iface = false;
    for (let i = 0; i < ident.length - 1; i++) {
      const next = this.evalField(dot, ident[i]!, node, null, MISSING, r, iface);
      iface = isInterfaceMap(r);
      r = next;
    }
    return this.evalField(dot, ident[ident.length - 1]!, node, args, final, r, iface);
  }

  private evalField(
    dot: Val,
    fieldName: string,
    node: AnyNode,
    args: readonly ArgNode[] | null,
    final: Final,
    receiver: Val,
    staticInterface = false,
  ): Val {
    if (receiver === undefined) return undefined;
    const typ = staticInterface ? 'interface {}' : goTypeName(receiver);
    if (receiver === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    let r: GoValue = receiver;
    while (r !== null && typeof r === 'object' && r.kind === 'ptr') {
      if (r.elem === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
      r = r.elem;
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (r !== null && typeof r === 'object' && r.kind === 'struct') {
      const method = findMethod(r, fieldName);
      if (method) return this.evalCall(dot, userFunc(method.call), node, fieldName, args, final);
      const field = findField(r, fieldName);
      if (field !== undefined) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return field;
      }
    } else if (r !== null && typeof r === 'object' && r.kind === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (Object.hasOwn(r.entries, fieldName)) return r.entries[fieldName];
      if (this.ctx.missingKeyError) this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
      // missingkey=default: a missing key is the invalid value, printed as <no value>.
      return undefined;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalFunction(
    dot: Val,
    node: IdentifierNode,
    cmd: AnyNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ): Val {
    this.at(node);
    const fn = this.ctx.funcs[node.ident] ?? builtinFuncs[node.ident];
    if (fn === undefined) this.errorf(`${JSON.stringify(node.ident)} is not a defined function`);
    return this.evalCall(dot, fn, cmd, node.ident, args, final);
  }

  /** Calls a function or method; `args`, when given, starts with the function's own node. */
  private evalCall(
    dot: Val,
    fn: FuncSpec,
    node: AnyNode,
    name: string,
    allArgs: readonly ArgNode[] | null,
    final: Final,
  ): Val {
    const args = allArgs ? allArgs.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
      }
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    const paramAt = (i: number): ParamType => fn.params[i] ?? fn.variadic ?? 'any';

    if (fn.builtin && (name === 'and' || name === 'or')) {
      let v: Val;
      for (const arg of args) {
        v = this.evalArg(dot, 'value', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }

    const argv: Val[] = [];
    for (let i = 0; i < args.length; i++) argv.push(this.evalArg(dot, paramAt(i), args[i]!));
    if (final !== MISSING) argv.push(this.validateType(final, paramAt(numIn - 1)));
    try {
      return fn.call(...argv);
    } catch (e) {
      if (e instanceof TemplateError || e instanceof BreakSignal || e instanceof ContinueSignal) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Checks a computed value against a parameter type, as `validateType` does. */
  private validateType(value: Val, typ: ParamType): Val {
    if (typ === 'value') return value;
    if (value === undefined || value === null) {
      if (typ === 'any') return null;
      if (typ === 'strings') return { kind: 'slice', items: [], nil: true };
      this.errorf(`invalid value; expected ${goParamType(typ)}`);
    }
    let v: GoValue = value;
    if (typ === 'any') return v;
    if (typeof v === 'object' && v.kind === 'ptr' && acceptsValue(typ, v.elem)) {
      if (v.elem === null) this.errorf(`dereference of nil pointer of type ${goParamType(typ)}`);
      v = v.elem;
    }
    if (!acceptsValue(typ, v)) {
      this.errorf(`wrong type for value; expected ${goParamType(typ)}; got ${goTypeName(v)}`);
    }
    return v;
  }

  private evalArg(dot: Val, typ: ParamType, n: ArgNode): Val {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'any') return null;
        if (typ === 'value') return undefined;
        if (typ === 'strings') return { kind: 'slice', items: [], nil: true };
        return this.errorf(`cannot assign nil to ${goParamType(typ)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    switch (typ) {
      case 'string':
        if (n.type === 'string') return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case 'int':
        if (n.type === 'number' && n.isInt) return n.int;
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'strings':
        return this.errorf(`can't handle ${nodeString(n)} for arg of type []string`);
      default:
        if (n.type === 'bool') return n.value;
        if (n.type === 'number') return this.idealConstant(n);
        return n.text;
    }
  }

  private printValue(node: AnyNode, v: Val): void {
    this.at(node);
    let p = v;
    while (p !== null && p !== undefined && typeof p === 'object' && p.kind === 'ptr' && p.elem !== null)
      p = p.elem;
    if (p === undefined) {
      this.out.push('<no value>');
      return;
    }
    if (p !== null && typeof p === 'object' && p.kind === 'func') {
      this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(p)}`);
    }
    this.out.push(sprint(p));
  }
}

function acceptsValue(typ: ParamType, v: GoValue): boolean {
  switch (typ) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'strings':
      return (
        v !== null &&
        typeof v === 'object' &&
        v.kind === 'slice' &&
        v.items.every((i) => typeof i === 'string')
      );
    default:
      return true;
  }
}

const goParamType = (typ: ParamType): string =>
  ({ string: 'string', int: 'int', strings: '[]string', any: 'interface {}', value: 'reflect.Value' })[typ];

function embedded(s: GoStruct): GoStruct[] {
  const out: GoStruct[] = [];
  for (const f of s.fields) {
    if (!f.embedded) continue;
    let v = f.value;
    while (v !== null && typeof v === 'object' && v.kind === 'ptr') v = v.elem;
    if (v !== null && typeof v === 'object' && v.kind === 'struct') out.push(v);
  }
  return out;
}

/** A method of the struct or of a struct embedded in it (methods are found before fields). */
function findMethod(s: GoStruct, name: string): { call: (...args: GoValue[]) => GoValue } | undefined {
  const own = s.methods?.[name];
  if (own) return own;
  for (const inner of embedded(s)) {
    const m = findMethod(inner, name);
    if (m) return m;
  }
  return undefined;
}

/** A field of the struct, or promoted from an embedded struct. */
function findField(s: GoStruct, name: string): GoValue | undefined {
  for (const f of s.fields) if (f.name === name) return f.value;
  for (const inner of embedded(s)) {
    const v = findField(inner, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A map whose values are `interface {}` (no typed zero value): what JSON decodes objects into. */
function isInterfaceMap(v: Val): boolean {
  let r = v;
  while (r !== null && r !== undefined && typeof r === 'object' && r.kind === 'ptr') r = r.elem;
  return r !== null && r !== undefined && typeof r === 'object' && r.kind === 'map' && r.zero === undefined;
}
