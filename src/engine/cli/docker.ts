/**
 * The `docker` command line of the simulated sandbox host: the root command, its management
 * groups and shortcuts, dispatched the way the docker CLI 20.10 does.
 */
import type { Engine } from '../engine.ts';
import { noteCliRoundTrip } from '../ops/service-tasks.ts';
import { type CommandNode, dispatch, findChild, type GroupCommand, stubFromRecording } from './command.ts';
import { networkCommand } from './commands/network.ts';
import { recordedCommand, recordedPaths, recordedRoot } from './help/recorded.ts';
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
  stdin = '',
  env: Record<string, string> = {},
): Promise<CommandResult> {
  noteCliRoundTrip(engine);
  const exitCode = await runDockerInto(engine, argv, term, stdin, env.DOCKER_API_VERSION || undefined);
  return { stdout: term.stdout, stderr: term.stderr, combined: term.combined, exitCode };
}

/** The root's own flags (`docker -D ps`), by long name; `true` when they take a value. */
const ROOT_FLAGS: Record<string, { short?: string; value: boolean }> = {
  config: { value: true },
  context: { short: 'c', value: true },
  debug: { short: 'D', value: false },
  host: { short: 'H', value: true },
  'log-level': { short: 'l', value: true },
  tls: { value: false },
  tlscacert: { value: true },
  tlscert: { value: true },
  tlskey: { value: true },
  tlsverify: { value: false },
  version: { short: 'v', value: false },
};

/** Prints a root flag error the way docker does: the message, then the whole root usage. */
function rootFlagError(term: Terminal, message: string): number {
  const rec = recordedRoot().bogusFlag;
  // The recording is for `--bogus`; its first line is the only part that depends on the flag.
  term.err(`${message}\n${rec.stderr.slice(rec.stderr.indexOf('\n') + 1)}`);
  return rec.exit;
}

/** Reads the root flags before the command name. Returns the index of the command, or an exit code. */
function parseRootFlags(
  argv: string[],
  term: Terminal,
): { at: number; version: boolean; help: boolean } | { exit: number } {
  let i = 0;
  let version = false;
  let help = false;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--') return { at: i + 1, version, help };
    if (!a.startsWith('-') || a === '-') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq >= 0 ? eq : undefined);
      if (name === 'help') help = true;
      else {
        const spec = ROOT_FLAGS[name];
        if (!spec) return { exit: rootFlagError(term, `unknown flag: --${name}`) };
        if (name === 'version') version = true;
        if (spec.value && eq < 0) {
          if (i + 1 >= argv.length) return { exit: rootFlagError(term, `flag needs an argument: --${name}`) };
          i++;
        }
      }
      i++;
      continue;
    }
    let j = 1;
    while (j < a.length) {
      const c = a[j]!;
      if (c === 'h') {
        help = true;
        j++;
        continue;
      }
      const entry = Object.entries(ROOT_FLAGS).find(([, f]) => f.short === c);
      if (!entry) return { exit: rootFlagError(term, `unknown shorthand flag: '${c}' in ${a}`) };
      if (entry[0] === 'version') version = true;
      if (entry[1].value) {
        if (j + 1 === a.length) {
          if (i + 1 >= argv.length)
            return { exit: rootFlagError(term, `flag needs an argument: '${c}' in -${c}`) };
          i++;
        }
        break;
      }
      j++;
    }
    i++;
  }
  return { at: i, version, help };
}

/** A command real Docker has at the root but the simulator does not run (`docker volume`...). */
function rootChild(name: string): CommandNode | undefined {
  const found = findChild(root, name);
  if (found) return found;
  const names = recordedPaths().flatMap((p) => (/^docker \S+$/.test(p) ? [p.slice(7)] : []));
  for (const child of names) {
    const rec = recordedCommand(`docker ${child}`);
    if (rec && (child === name || rec.aliases.includes(name)))
      return stubFromRecording(`docker ${child}`, child, rec);
  }
  return undefined;
}

async function runDockerInto(
  engine: Engine,
  argv: string[],
  term: Terminal,
  stdin = '',
  apiVersion?: string,
): Promise<number> {
  const base = {
    engine,
    term,
    stdin,
    docker: (sub: string[]) => runDockerInto(engine, sub, term, '', apiVersion),
    ...(apiVersion ? { apiVersion } : {}),
  };
  const flags = parseRootFlags(argv, term);
  if ('exit' in flags) return flags.exit;
  const rest = argv.slice(flags.at);
  const first = rest[0];
  if (flags.version) {
    term.println('Docker version 20.10.24+dfsg1, build 297e128');
    return 0;
  }
  if (flags.help) {
    term.out(recordedRoot().help.stdout);
    return 0;
  }
  if (first === undefined) {
    const bare = recordedRoot().bare;
    term.out(bare.stdout);
    term.err(bare.stderr);
    return bare.exit;
  }
  if (first === 'help') return helpCommand(rest.slice(1), term);
  const cmd = rootChild(first);
  if (!cmd) {
    const rec = recordedRoot().bogusCommand;
    term.err(rec.stderr.replace("'bogus'", `'${first}'`));
    return rec.exit;
  }
  return dispatch({ ...root, children: [cmd] }, 'docker', rest, base);
}

/** cobra's hidden `help [command]`: the help of the named command, on stdout. */
function helpCommand(path: string[], term: Terminal): number {
  let key = 'docker';
  for (const word of path) {
    const rec = recordedCommand(`${key} ${word}`);
    if (!rec) {
      term.err(`Unknown help topic [\`${path.join(' ')}\`]\n`);
      term.out(recordedRoot().help.stdout);
      return 0;
    }
    key = `${key} ${word}`;
  }
  term.out(key === 'docker' ? recordedRoot().help.stdout : recordedCommand(key)!.help);
  return 0;
}
