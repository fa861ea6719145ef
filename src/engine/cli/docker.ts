/**
 * The `docker` command line of the simulated sandbox host: the root command, its management
 * groups and shortcuts, dispatched the way the docker CLI 20.10 does.
 */
import type { Engine } from '../engine.ts';
import { type CommandNode, dispatch, findChild, type GroupCommand } from './command.ts';
import { networkCommand } from './commands/network.ts';
import { type CommandResult, Terminal } from './terminal.ts';

/** Commands known to the root; other modules add theirs with `registerCommand`. */
const root: GroupCommand = {
  name: 'docker',
  short: 'A self-sufficient runtime for containers',
  children: [networkCommand],
};

export function registerCommand(cmd: CommandNode): void {
  const existing = root.children.findIndex((c) => c.name === cmd.name);
  if (existing >= 0) root.children.splice(existing, 1, cmd);
  else root.children.push(cmd);
}

export function rootCommand(): GroupCommand {
  return root;
}

/** Runs one `docker ...` argv (without the leading `docker`) against `engine`. */
export async function runDocker(
  engine: Engine,
  argv: string[],
  term = new Terminal(),
): Promise<CommandResult> {
  const exitCode = await runDockerInto(engine, argv, term);
  return { stdout: term.stdout, stderr: term.stderr, combined: term.combined, exitCode };
}

async function runDockerInto(engine: Engine, argv: string[], term: Terminal): Promise<number> {
  const base = { engine, term, docker: (sub: string[]) => runDockerInto(engine, sub, term) };
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    term.out(rootUsage());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    term.println('Docker version 20.10.24+dfsg1, build 297e128');
    return 0;
  }
  if (first.startsWith('-')) {
    term.eprintln(`unknown flag: ${first}\nSee 'docker --help'.`);
    return 125;
  }
  const cmd = findChild(root, first);
  if (!cmd) {
    term.eprintln(`docker: '${first}' is not a docker command.\nSee 'docker --help'`);
    return 1;
  }
  return dispatch({ ...root, children: [cmd] }, 'docker', argv, base);
}

function rootUsage(): string {
  const visible = root.children.filter((c) => !c.hidden).sort((a, b) => (a.name < b.name ? -1 : 1));
  const groups = visible.filter((c) => 'children' in c);
  const leaves = visible.filter((c) => !('children' in c));
  const pad = Math.max(11, ...visible.map((c) => c.name.length));
  const list = (cs: CommandNode[]) => cs.map((c) => `  ${c.name.padEnd(pad)} ${c.short}`).join('\n');
  return (
    '\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\n' +
    (groups.length ? `Management Commands:\n${list(groups)}\n\n` : '') +
    (leaves.length ? `Commands:\n${list(leaves)}\n\n` : '') +
    "Run 'docker COMMAND --help' for more information on a command.\n"
  );
}
