/** `docker version [-f FORMAT]`. */
import { dockerTemplateFuncs, parseTemplate, TemplateError } from '../../go/template.ts';
import { cliVersionView, versionText } from '../../views/system-view.ts';
import type { CommandContext, LeafCommand } from '../command.ts';
import { registerCommand } from '../docker.ts';

/** Runs a `-f` template over a CLI value as `docker version`/`docker info` do: 64 for parse errors. */
export function runFormat(
  ctx: CommandContext,
  format: string,
  value: Parameters<ReturnType<typeof parseTemplate>['execute']>[0],
): number {
  let tmpl: ReturnType<typeof parseTemplate>;
  try {
    tmpl = parseTemplate(format, dockerTemplateFuncs);
  } catch (e) {
    if (e instanceof TemplateError) {
      ctx.term.eprintln(`Template parsing error: ${e.message}`);
      return 64;
    }
    throw e;
  }
  try {
    ctx.term.println(tmpl.execute(value));
    return 0;
  } catch (e) {
    if (e instanceof TemplateError) {
      ctx.term.println();
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
    if (!format) {
      ctx.term.out(versionText());
      return 0;
    }
    return runFormat(ctx, format, cliVersionView());
  },
};

registerCommand(versionCommand);
