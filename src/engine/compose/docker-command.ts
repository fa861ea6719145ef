/**
 * `docker compose` (Compose v2, the CLI plugin). The docker CLI hands the plugin every word after
 * `compose`; the global compose flags are declared here so the CLI's parser lets them through,
 * and are passed on as typed.
 */
import type { LeafCommand } from '../cli/command.ts';
import { registerCommand } from '../cli/docker.ts';
import type { FlagSpec } from '../cli/flags.ts';
import { runCompose } from './cli.ts';

const FLAGS: FlagSpec[] = [
  { name: 'file', short: 'f', type: 'list', help: 'Compose configuration files' },
  { name: 'project-name', short: 'p', type: 'string', help: 'Project name' },
  { name: 'project-directory', type: 'string', help: 'Specify an alternate working directory' },
  { name: 'env-file', type: 'list', help: 'Specify an alternate environment file.' },
  { name: 'profile', type: 'list', help: 'Specify a profile to enable' },
  { name: 'ansi', type: 'string', help: 'Control when to print ANSI control characters' },
  { name: 'progress', type: 'string', help: 'Set type of progress output' },
  { name: 'parallel', type: 'string', help: 'Control max parallelism, -1 for unlimited' },
  { name: 'compatibility', type: 'bool', help: 'Run compose in backward compatibility mode' },
  { name: 'dry-run', type: 'bool', help: 'Execute command in dry run mode' },
];

const compose: LeafCommand = {
  name: 'compose',
  use: '[OPTIONS] COMMAND',
  short: 'Docker Compose',
  args: { kind: 'any' },
  interspersed: false,
  flags: FLAGS,
  run(ctx) {
    const argv: string[] = [];
    for (const f of ctx.flags.list('file')) argv.push('-f', f);
    for (const name of ['project-name', 'project-directory', 'ansi', 'progress']) {
      if (ctx.flags.has(name)) argv.push(`--${name}`, ctx.flags.string(name));
    }
    return runCompose(ctx.engine, [...argv, ...ctx.args], ctx.term, 'v2');
  },
};

registerCommand(compose);
