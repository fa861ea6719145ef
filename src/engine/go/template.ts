/**
 * Go's `text/template`, as the docker CLI runs `--format`: `template.New("").Funcs(basicFunctions)
 * .Parse(format)`, then `Execute` over the command's Go values.
 *
 * The pieces: `template-lex.ts` (tokens), `template-parse.ts` (tree, parse errors),
 * `template-exec.ts` (evaluation, exec errors), `template-funcs.ts` (builtins and docker's
 * functions), `printf.ts` (`fmt.Sprintf`).
 */
import { execute } from './template-exec.ts';
import { builtinFuncs, dockerFuncSpecs, type FuncSpec, userFunc } from './template-funcs.ts';
import { type ListNode, parse, TemplateError } from './template-parse.ts';
import type { GoValue } from './values.ts';

export { TemplateError };

/**
 * Functions a template may call, as Go's `template.FuncMap`. Arguments are passed as `interface{}`
 * (an absent value arrives as `null`); the JS function's declared arity is the Go arity, except
 * that a function declared with only rest parameters accepts any number. Throw an `Error` to
 * return a Go error: execution stops with `error calling NAME: MESSAGE`.
 */
export type FuncMap = Record<string, (...args: GoValue[]) => GoValue>;

export interface Template {
  /** Runs the template over `data`; throws `TemplateError` as `Execute` returns its error. */
  execute(data: GoValue, opts?: ExecuteOptions): string;
}

export interface ExecuteOptions {
  /** `missingkey=error`: a missing map key fails instead of printing `<no value>`. */
  missingKeyError?: boolean;
}

/** The docker CLI's `basicFunctions` (`templates/templates.go`): json, split, join, title, lower, upper, pad, truncate. */
export const dockerTemplateFuncs: FuncMap = Object.fromEntries(
  Object.entries(dockerFuncSpecs).map(([name, spec]) => [
    name,
    (...args: GoValue[]) => spec.call(...args) ?? null,
  ]),
);

const dockerFuncByWrapper = new Map<unknown, FuncSpec>(
  Object.keys(dockerFuncSpecs).map((name) => [dockerTemplateFuncs[name], dockerFuncSpecs[name]!]),
);

/**
 * Parses a template named `name` (the docker CLI names only `docker version`'s, "version") with
 * the builtins and `funcs`; throws `TemplateError` on a parse error.
 */
export function parseTemplate(text: string, funcs: FuncMap = {}, name = ''): Template {
  const specs: Record<string, FuncSpec> = {};
  for (const [name, fn] of Object.entries(funcs)) {
    // docker's functions keep their Go signatures (typed parameters and messages).
    specs[name] = dockerFuncByWrapper.get(fn) ?? userFunc(fn);
  }
  const names = new Set([...Object.keys(builtinFuncs), ...Object.keys(specs)]);
  const { root, defined } = parse(text, names, name);
  const templates: Map<string, ListNode> = defined;
  return {
    execute: (data: GoValue, opts: ExecuteOptions = {}) =>
      execute(
        { text, name, templates, funcs: specs, missingKeyError: opts.missingKeyError === true },
        templates.get(name) ?? root,
        data,
      ),
  };
}
