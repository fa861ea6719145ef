/** Pieces every docker subcommand shares: filters, key=value options, daemon errors, inspect. */
import { EngineError } from '../errors.ts';
import { fromPlainJson, marshal, marshalIndent } from '../go/json.ts';
import { dockerTemplateFuncs, parseTemplate, TemplateError } from '../go/template.ts';
import type { GoValue } from '../go/values.ts';
import type { CommandContext } from './command.ts';

/** `--filter key=value` flags, grouped by key; prints Docker's error and returns null when malformed. */
export function parseFilters(ctx: CommandContext, raw: string[]): Record<string, string[]> | null {
  const out: Record<string, string[]> = {};
  for (const item of raw) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      ctx.term.eprintln(`bad format of filter (expected name=value)`);
      return null;
    }
    const key = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    const values = out[key] ?? [];
    values.push(value);
    out[key] = values;
  }
  return out;
}

/** docker's MapOpts: `key=value` (a bare key maps to ""). */
export function parseKeyValues(_ctx: CommandContext, raw: string[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const item of raw) {
    const eq = item.indexOf('=');
    if (eq < 0) out[item] = '';
    else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Prints a daemon error as the CLI does and returns its exit code. Other errors propagate. */
export function printDaemonError(ctx: CommandContext, e: unknown): number {
  if (e instanceof EngineError) {
    ctx.term.eprintln(`Error response from daemon: ${e.message}`);
    return 1;
  }
  throw e;
}

/**
 * Prints the error of an operation on the `kind` object `name` as the CLI does: `Error: No such
 * KIND: NAME` for a 404, else the daemon's message. Returns whether it was a 404; other errors
 * propagate.
 */
export function printNoSuchOrDaemonError(
  ctx: CommandContext,
  e: unknown,
  kind: string,
  name: string,
): boolean {
  if (e instanceof EngineError && e.status === 404) {
    ctx.term.eprintln(`Error: No such ${kind}: ${name}`);
    return true;
  }
  printDaemonError(ctx, e);
  return false;
}

/**
 * `docker ... inspect`: a JSON array of the objects found (as the API returned them, indented),
 * or the template applied to each; then an error line for each name not found, exit 1.
 */
export function inspectObjects(
  ctx: CommandContext,
  names: string[],
  format: string,
  get: (name: string) => GoValue | { notFound: string },
): number {
  // Parse first: a bad template stops before any lookup (exit 64).
  let tmpl: ReturnType<typeof parseTemplate> | null = null;
  if (format) {
    try {
      tmpl = parseTemplate(format, dockerTemplateFuncs);
    } catch (e) {
      if (e instanceof TemplateError) {
        ctx.term.eprintln(`template parsing error: ${e.message}`);
        return 64;
      }
      throw e;
    }
  }
  // As the CLI's inspector does: every name in turn, errors (lookups and templates alike) kept in
  // order and printed after the output.
  const found: GoValue[] = [];
  const errors: string[] = [];
  let rendered = '';
  for (const name of names) {
    let v: ReturnType<typeof get>;
    try {
      v = get(name);
    } catch (e) {
      if (e instanceof EngineError) {
        errors.push(`Error response from daemon: ${e.message}`);
        continue;
      }
      throw e;
    }
    if (v !== null && typeof v === 'object' && 'notFound' in v) {
      errors.push(v.notFound);
      continue;
    }
    found.push(v as GoValue);
    if (tmpl) {
      const text = executeInspectTemplate(tmpl, v as GoValue);
      if (typeof text === 'string') rendered += `${text}\n`;
      else errors.push(`template parsing error: ${text.error}`);
    }
  }
  if (tmpl) {
    // The template inspector writes a bare newline when it has nothing.
    ctx.term.out(rendered === '' ? '\n' : rendered);
  } else if (found.length || errors.length) {
    ctx.term.println(found.length ? marshalIndent({ kind: 'slice', items: found }) : '[]');
  }
  for (const err of errors) ctx.term.eprintln(err);
  return errors.length ? 1 : 0;
}

/**
 * The CLI's TemplateInspector: the template runs on the typed object; when that fails it runs
 * again on the raw JSON (numbers kept as written) with `missingkey=error`.
 */
export function executeInspectTemplate(
  tmpl: ReturnType<typeof parseTemplate>,
  v: GoValue,
): string | { error: string } {
  try {
    return tmpl.execute(v);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
  }
  const raw = fromPlainJson(JSON.parse(marshal(v)), true);
  try {
    return tmpl.execute(raw, { missingKeyError: true });
  } catch (e) {
    if (e instanceof TemplateError) return { error: e.message };
    throw e;
  }
}
