/** `docker info [-f FORMAT]` (also `docker system info`). */
import { cliInfoView, infoText } from '../../views/system-view.ts';
import type { LeafCommand } from '../command.ts';
import { registerCommand } from '../docker.ts';
import { runFormat } from './version.ts';

export const infoCommand: LeafCommand = {
  name: 'info',
  use: '[OPTIONS]',
  short: 'Display system-wide information',
  args: { kind: 'none' },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
  ],
  run(ctx) {
    const format = ctx.flags.string('format');
    if (!format) {
      ctx.term.out(infoText(ctx.engine));
      return 0;
    }
    return runFormat(ctx, format, cliInfoView(ctx.engine));
  },
};

registerCommand(infoCommand);
