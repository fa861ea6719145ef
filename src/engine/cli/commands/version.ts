/** `docker version [-f FORMAT]`. */
import { dockerTemplateFuncs, parseTemplate, TemplateError } from '../../go/template.ts';
import { deref, type GoValue, goSlice, structField } from '../../go/values.ts';
import { cliVersionView, versionText } from '../../views/system-view.ts';
import { daemonVersionError } from '../api-version.ts';
import type { CommandContext, LeafCommand } from '../command.ts';
import { registerCommand } from '../docker.ts';

/**
 * `getDetailsOrder`, which `docker version` adds to its template: a component's detail keys, sorted.
 * A Go function typed `func(types.ComponentVersion) []string`.
 */
function getDetailsOrder(v: GoValue): GoValue {
  const s = deref(v);
  const details =
    s !== null && typeof s === 'object' && s.kind === 'struct'
      ? deref(structField(s, 'Details') ?? null)
      : null;
  const keys =
    details !== null && typeof details === 'object' && details.kind === 'map'
      ? Object.keys(details.entries)
      : [];
  return goSlice(keys.sort());
}

/**
 * Runs a `-f` template over a CLI value as `docker version` (`name` "version") and `docker info`
 * ("") do: 64 for parse errors; on an execution error what was written so far and a newline, then
 * the error (both write straight to stdout).
 */
export function runFormat(ctx: CommandContext, format: string, value: GoValue, name = ''): number {
  let tmpl: ReturnType<typeof parseTemplate>;
  const funcs = name === 'version' ? { ...dockerTemplateFuncs, getDetailsOrder } : dockerTemplateFuncs;
  try {
    tmpl = parseTemplate(format, funcs, name);
  } catch (e) {
    if (e instanceof TemplateError) {
      ctx.term.eprintln(`template parsing error: ${e.message}`);
      return 64;
    }
    throw e;
  }
  try {
    ctx.term.println(tmpl.execute(value));
    return 0;
  } catch (e) {
    if (e instanceof TemplateError) {
      ctx.term.println(e.output);
      ctx.term.eprintln(e.message);
      return 1;
    }
    throw e;
  }
}

export const versionCommand: LeafCommand = {
  name: 'version',
  use: '[OPTIONS]',
  short: 'Show the Docker version information',
  args: { kind: 'none' },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
    { name: 'kubeconfig', type: 'string', help: 'Kubernetes config file', hidden: true },
  ],
  run(ctx) {
    const format = ctx.flags.string('format');
    const api = ctx.apiVersion || undefined;
    // A version the daemon does not serve: the client's part, then the daemon's refusal.
    const refused = api ? daemonVersionError(api) : null;
    if (refused) {
      if (format) {
        const code = runFormat(ctx, format, cliVersionView(api), 'version');
        if (code === 64) return code;
      } else ctx.term.out(versionText(api).slice(0, versionText(api).indexOf('\nServer:')));
      ctx.term.eprintln(`Error response from daemon: ${refused}`);
      return 1;
    }
    if (!format) {
      ctx.term.out(versionText(api));
      return 0;
    }
    return runFormat(ctx, format, cliVersionView(api), 'version');
  },
};

registerCommand(versionCommand);
