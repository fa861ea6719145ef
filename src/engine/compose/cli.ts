/**
 * The compose command line, both spellings: `docker-compose` (Compose 1.29, docopt) and
 * `docker compose` (v2, cobra), without a terminal. Global options choose the project
 * (`-f`, `-p`, `--project-directory`); the command then acts on it.
 */
import { runDocker } from '../cli/docker.ts';
import type { Terminal } from '../cli/terminal.ts';
import type { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { containerRestart, isRunning } from '../ops/containers.ts';
import { renderConfig } from './config-output.ts';
import { down, projectContainers, start, stop, up, V1_VERSION, V2_VERSION } from './converge.ts';
import { ComposeError, type ComposeStyle, styled, V2_EXIT } from './errors.ts';
import { logsOutput } from './logs.ts';
import { Progress } from './progress.ts';
import { loadProject, type Project, selectServices } from './project.ts';
import { composeLs, psV1, psV2 } from './ps.ts';
import { V1_DOCS } from './v1-docs.ts';

interface FlagSpec {
  names: string[];
  /** Takes a value. */
  value?: boolean;
}

class UsageError extends Error {}

interface Parsed {
  flags: Map<string, string[]>;
  args: string[];
}

/** docopt/pflag-like parsing: `-d`, `--detach`, `-f X`, `--file=X`, `-dT`; stops at `--` or, if `stopAtArg`, at the first argument. */
function parseArgs(argv: string[], specs: FlagSpec[], stopAtArg: boolean): Parsed {
  const flags = new Map<string, string[]>();
  const args: string[] = [];
  const find = (n: string) => specs.find((s) => s.names.includes(n));
  const put = (s: FlagSpec, v: string) => {
    const key = s.names[s.names.length - 1]!;
    flags.set(key, [...(flags.get(key) ?? []), v]);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      const s = find(name);
      if (!s) throw new UsageError(name);
      if (s.value) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(name);
        put(s, v);
      } else put(s, 'true');
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const s = find(`-${a[j]}`);
        if (!s) throw new UsageError(`-${a[j]}`);
        if (s.value) {
          const rest = a.slice(j + 1);
          const v = rest || argv[++i];
          if (v === undefined) throw new UsageError(`-${a[j]}`);
          put(s, v);
          break;
        }
        put(s, 'true');
      }
      continue;
    }
    if (stopAtArg) {
      args.push(...argv.slice(i));
      break;
    }
    args.push(a);
  }
  return { flags, args };
}

const GLOBAL: FlagSpec[] = [
  { names: ['-f', '--file'], value: true },
  { names: ['-p', '--project-name'], value: true },
  { names: ['--project-directory'], value: true },
  { names: ['--env-file'], value: true },
  { names: ['--profile'], value: true },
  { names: ['-c', '--context'], value: true },
  { names: ['--log-level'], value: true },
  { names: ['--ansi'], value: true },
  { names: ['--progress'], value: true },
  { names: ['-H', '--host'], value: true },
  { names: ['--no-ansi'] },
  { names: ['--verbose'] },
  { names: ['--compatibility'] },
  { names: ['--dry-run'] },
  { names: ['--tls'] },
  { names: ['--tlsverify'] },
  { names: ['--skip-hostname-check'] },
  { names: ['-v', '--version'] },
  { names: ['-h', '--help'] },
];

interface CommandDef {
  flags: FlagSpec[];
  /** v2's one-line description (for `docker compose --help`). */
  short: string;
  v2Only?: boolean;
  run(ctx: Ctx, p: Parsed): number | Promise<number>;
}

interface Ctx {
  engine: Engine;
  term: Terminal;
  style: ComposeStyle;
  global: Parsed;
  project(): Project;
  progress: Progress;
}

const has = (p: Parsed, name: string) => p.flags.has(name);
const one = (p: Parsed, name: string) => p.flags.get(name)?.at(-1);

const COMMANDS: Record<string, CommandDef> = {
  up: {
    short: 'Create and start containers',
    flags: [
      { names: ['-d', '--detach'] },
      { names: ['--build'] },
      { names: ['--no-build'] },
      { names: ['--no-start'] },
      { names: ['--no-deps'] },
      { names: ['--force-recreate'] },
      { names: ['--no-recreate'] },
      { names: ['--remove-orphans'] },
      { names: ['--no-color'] },
      { names: ['--quiet-pull'] },
      { names: ['--wait'] },
      { names: ['-t', '--timeout'], value: true },
      { names: ['--scale'], value: true },
    ],
    run(ctx, p) {
      const project = ctx.project();
      const services = selectServices(project, p.args);
      up(ctx.engine, project, ctx.progress, {
        services,
        build: has(p, '--build'),
        noStart: has(p, '--no-start'),
      });
      if (!has(p, '--detach') && !has(p, '--no-start')) {
        // Attached: the output so far; a chat cannot hold the terminal, so it detaches here.
        const containers = projectContainers(ctx.engine, project.name);
        ctx.term.out(
          logsOutput(containers, ctx.style, {
            color: !has(p, '--no-color'),
            attach: true,
            serviceNames: project.services.map((s) => s.name),
          }),
        );
      }
      return 0;
    },
  },
  down: {
    short: 'Stop and remove containers, networks',
    flags: [
      { names: ['-v', '--volumes'] },
      { names: ['--rmi'], value: true },
      { names: ['--remove-orphans'] },
      { names: ['-t', '--timeout'], value: true },
    ],
    run(ctx, p) {
      const project = ctx.project();
      const rmi = one(p, '--rmi');
      down(ctx.engine, project, ctx.progress, {
        volumes: has(p, '--volumes'),
        removeImages: rmi === 'all' || rmi === 'local' ? rmi : null,
      });
      return 0;
    },
  },
  ps: {
    short: 'List containers',
    flags: [
      { names: ['-q', '--quiet'] },
      { names: ['--services'] },
      { names: ['-a', '--all'] },
      { names: ['--filter'], value: true },
      { names: ['--format'], value: true },
      { names: ['--status'], value: true },
    ],
    run(ctx, p) {
      const project = ctx.project();
      const services = selectServices(project, p.args);
      if (has(p, '--services')) {
        const names = services.map((s) => s.name);
        if (ctx.style === 'v1') names.sort();
        for (const n of names) ctx.term.println(n);
        return 0;
      }
      const names = new Set(services.map((s) => s.name));
      let containers = projectContainers(ctx.engine, project.name).filter((c) =>
        names.has(c.labels['com.docker.compose.service'] ?? ''),
      );
      if (ctx.style === 'v2' && !has(p, '--all')) containers = containers.filter(isRunning);
      if (has(p, '--quiet')) {
        for (const c of containers) ctx.term.println(c.id);
        return 0;
      }
      ctx.term.out(ctx.style === 'v1' ? psV1(containers) : psV2(ctx.engine, containers));
      return 0;
    },
  },
  ls: {
    short: 'List running compose projects',
    v2Only: true,
    flags: [
      { names: ['-a', '--all'] },
      { names: ['-q', '--quiet'] },
      { names: ['--format'], value: true },
      { names: ['--filter'], value: true },
    ],
    run(ctx, p) {
      ctx.term.out(composeLs(ctx.engine, { all: has(p, '--all'), quiet: has(p, '--quiet') }));
      return 0;
    },
  },
  logs: {
    short: 'View output from containers',
    flags: [
      { names: ['--no-color'] },
      { names: ['-f', '--follow'] },
      { names: ['-t', '--timestamps'] },
      { names: ['--tail'], value: true },
      { names: ['--no-log-prefix'] },
      { names: ['--since'], value: true },
      { names: ['--until'], value: true },
    ],
    run(ctx, p) {
      const project = ctx.project();
      const services = selectServices(project, p.args);
      const names = new Set(services.map((s) => s.name));
      const containers = projectContainers(ctx.engine, project.name).filter((c) =>
        names.has(c.labels['com.docker.compose.service'] ?? ''),
      );
      ctx.term.out(
        logsOutput(containers, ctx.style, {
          color: !has(p, '--no-color'),
          serviceNames: project.services.map((s) => s.name),
          attach: ctx.style === 'v1',
          prefix: !has(p, '--no-log-prefix'),
          timestamps: has(p, '--timestamps'),
          ...(one(p, '--tail') !== undefined ? { tail: one(p, '--tail')! } : {}),
        }),
      );
      return 0;
    },
  },
  exec: {
    short: 'Execute a command in a running container',
    flags: [
      { names: ['-d', '--detach'] },
      { names: ['-T', '--no-TTY', '--no-tty'] },
      { names: ['-i', '--interactive'] },
      { names: ['-t', '--tty'] },
      { names: ['--privileged'] },
      { names: ['-u', '--user'], value: true },
      { names: ['-e', '--env'], value: true },
      { names: ['-w', '--workdir'], value: true },
      { names: ['--index'], value: true },
    ],
    async run(ctx, p) {
      if (p.args.length < 2) throw new UsageError('exec');
      const [service, ...cmd] = p.args as [string, ...string[]];
      const project = ctx.project();
      selectServices(project, [service]);
      const c = projectContainers(ctx.engine, project.name, service)[0];
      if (!c || !isRunning(c)) {
        if (ctx.style === 'v1') return 1;
        throw new ComposeError('', `service "${service}" is not running`, 1);
      }
      // Compose 1.29 allocates a TTY unless -T; without a terminal the docker client refuses.
      if (ctx.style === 'v1' && !has(p, '--no-tty') && !has(p, '--detach')) {
        ctx.term.eprintln('the input device is not a TTY');
        return 1;
      }
      const argv = ['exec'];
      if (has(p, '--detach')) argv.push('-d');
      for (const e of p.flags.get('--env') ?? []) argv.push('-e', e);
      if (one(p, '--user')) argv.push('-u', one(p, '--user')!);
      if (one(p, '--workdir')) argv.push('-w', one(p, '--workdir')!);
      argv.push(c.name, ...cmd);
      return (await runDocker(ctx.engine, argv, ctx.term)).exitCode;
    },
  },
  config: {
    short: 'Parse, resolve and render compose file in canonical format',
    flags: [
      { names: ['-q', '--quiet'] },
      { names: ['--services'] },
      { names: ['--volumes'] },
      { names: ['--images'] },
      { names: ['--resolve-image-digests'] },
      { names: ['--no-interpolate'] },
      { names: ['--hash'], value: true },
      { names: ['--format'], value: true },
    ],
    run(ctx, p) {
      const project = ctx.project();
      if (has(p, '--quiet')) return 0;
      if (has(p, '--services')) {
        for (const s of project.services) ctx.term.println(s.name);
        return 0;
      }
      if (has(p, '--volumes')) {
        for (const v of project.volumes) ctx.term.println(v.key);
        return 0;
      }
      ctx.term.out(renderConfig(project, ctx.style));
      return 0;
    },
  },
  stop: {
    short: 'Stop services',
    flags: [{ names: ['-t', '--timeout'], value: true }],
    run(ctx, p) {
      const project = ctx.project();
      stop(ctx.engine, project, ctx.progress, selectServices(project, p.args));
      return 0;
    },
  },
  start: {
    short: 'Start services',
    flags: [],
    run(ctx, p) {
      const project = ctx.project();
      start(ctx.engine, project, ctx.progress, selectServices(project, p.args));
      return 0;
    },
  },
  restart: {
    short: 'Restart service containers',
    flags: [{ names: ['-t', '--timeout'], value: true }],
    run(ctx, p) {
      const project = ctx.project();
      const services = selectServices(project, p.args);
      const containers = projectContainers(ctx.engine, project.name).filter((c) =>
        services.some((s) => s.name === c.labels['com.docker.compose.service']),
      );
      if (!containers.length && ctx.style === 'v1') throw new ComposeError('No containers to restart', '', 1);
      if (ctx.style === 'v1') {
        ctx.progress.batch(
          'Restarting',
          containers.map((c) => c.name),
          (n) => {
            containerRestart(ctx.engine, n);
            return 'done';
          },
        );
      } else {
        for (const c of containers) {
          ctx.progress.event(`Container ${c.name}`, 'Restarting');
          containerRestart(ctx.engine, c.name);
          ctx.progress.event(`Container ${c.name}`, 'Started');
        }
      }
      return 0;
    },
  },
  port: {
    short: 'Print the public port for a port binding',
    flags: [
      { names: ['--protocol'], value: true },
      { names: ['--index'], value: true },
    ],
    run(ctx, p) {
      if (p.args.length !== 2) throw new UsageError('port');
      const [service, port] = p.args as [string, string];
      const project = ctx.project();
      selectServices(project, [service]);
      const c = projectContainers(ctx.engine, project.name, service)[0];
      const key = `${port}/${one(p, '--protocol') ?? 'tcp'}`;
      const b = c?.boundPorts[key]?.[0];
      if (!c) {
        if (ctx.style === 'v1') throw new ComposeError(`No container found for ${service}_1`, '', 1);
        throw new ComposeError('', `service "${service}" is not running`, 1);
      }
      if (!b) {
        if (ctx.style === 'v1') {
          ctx.term.println();
          return 0;
        }
        throw new ComposeError('', `no port ${key} for container ${c.name}`, 1);
      }
      ctx.term.println(`${b.hostIp}:${b.hostPort}`);
      return 0;
    },
  },
  build: {
    short: 'Build or rebuild services',
    flags: [
      { names: ['--no-cache'] },
      { names: ['--pull'] },
      { names: ['-q', '--quiet'] },
      { names: ['--build-arg'], value: true },
    ],
    run(ctx, p) {
      const project = ctx.project();
      const services = selectServices(project, p.args);
      for (const s of services) {
        if (!s.build) {
          if (ctx.style === 'v1') ctx.progress.info(`${s.name} uses an image, skipping`);
          continue;
        }
        up(ctx.engine, { ...project, services: [s], networks: [], volumes: [] }, ctx.progress, {
          services: [],
          build: true,
          noStart: true,
        });
      }
      return 0;
    },
  },
  version: {
    short: 'Show the Docker Compose version information',
    flags: [{ names: ['--short'] }, { names: ['-f', '--format'], value: true }],
    run(ctx, p) {
      printVersion(ctx, has(p, '--short'));
      return 0;
    },
  },
};

function printVersion(ctx: Ctx, short: boolean): void {
  if (ctx.style === 'v1') {
    if (short) ctx.term.println(V1_VERSION);
    else
      ctx.term.out(
        `docker-compose version ${V1_VERSION}, build unknown\ndocker-py version: 5.0.3\nCPython version: 3.11.2\nOpenSSL version: OpenSSL 3.0.11 19 Sep 2023\n`,
      );
  } else ctx.term.println(short ? V2_VERSION : `Docker Compose version v${V2_VERSION}`);
}

const V2_USAGE_HEAD = `
Usage:  docker compose [OPTIONS] COMMAND

Define and run multi-container applications with Docker.

Options:
      --ansi string                Control when to print ANSI control characters ("never"|"always"|"auto") (default "auto")
      --compatibility              Run compose in backward compatibility mode
      --dry-run                    Execute command in dry run mode
      --env-file stringArray       Specify an alternate environment file.
  -f, --file stringArray           Compose configuration files
      --parallel int               Control max parallelism, -1 for unlimited (default -1)
      --profile stringArray        Specify a profile to enable
      --progress string            Set type of progress output (auto, tty, plain, quiet) (default "auto")
      --project-directory string   Specify an alternate working directory
                                   (default: the path of the, first specified, Compose file)
  -p, --project-name string        Project name

Commands:
`;

function v2Usage(): string {
  const names = Object.keys(COMMANDS).sort();
  const lines = names.map((n) => `  ${n.padEnd(11)} ${COMMANDS[n]!.short}`);
  return `${V2_USAGE_HEAD}${lines.join('\n')}\n\nRun 'docker compose COMMAND --help' for more information on a command.\n`;
}

/** Runs a compose command line (`argv` after `docker-compose` or `docker compose`). */
export async function runCompose(
  engine: Engine,
  argv: string[],
  term: Terminal,
  style: ComposeStyle,
): Promise<number> {
  let global: Parsed;
  try {
    global = parseArgs(argv, GLOBAL, true);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (style === 'v1') {
      term.eprintln(V1_DOCS.top);
      return 1;
    }
    term.eprintln(`unknown flag: ${e.message}`);
    return V2_EXIT.syntax;
  }
  if (has(global, '--version')) {
    printVersion({ engine, term, style } as Ctx, false);
    return 0;
  }
  const name = global.args[0];
  if (name === undefined || has(global, '--help') || name === 'help') {
    const topic = name === 'help' ? global.args[1] : undefined;
    if (style === 'v1') {
      const doc = topic ? V1_DOCS[topic] : V1_DOCS.top;
      if (name === undefined && !has(global, '--help')) term.eprintln(V1_DOCS.top);
      else term.println(doc ?? V1_DOCS.top);
    } else term.out(v2Usage());
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd || (cmd.v2Only && style === 'v1') || (!V1_DOCS[name] && style === 'v1')) {
    if (style === 'v1') {
      const commands = V1_DOCS.top!.split('Commands:\n')[1] ?? '';
      term.eprintln(`No such command: ${name}\n\nCommands:\n${commands}`);
      return 1;
    }
    term.eprintln(`unknown docker command: "compose ${name}"`);
    return 1;
  }
  let parsed: Parsed;
  try {
    parsed = parseArgs(global.args.slice(1), [...cmd.flags, { names: ['-h', '--help'] }], name === 'exec');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (style === 'v1') {
      term.eprintln(V1_DOCS[name]);
      return 0;
    }
    term.eprintln(`unknown flag: ${e.message}`);
    return V2_EXIT.syntax;
  }
  if (has(parsed, '--help')) {
    if (style === 'v1') term.println(V1_DOCS[name]);
    else term.println(`\nUsage:  docker compose ${name} [OPTIONS]\n\n${cmd.short}`);
    return 0;
  }
  let cached: Project | null = null;
  const ctx: Ctx = {
    engine,
    term,
    style,
    global,
    progress: new Progress(style, term),
    project: () => {
      if (cached) return cached;
      const projectName = one(global, '--project-name');
      const dir = one(global, '--project-directory');
      cached = loadProject(engine, {
        files: global.flags.get('--file') ?? [],
        ...(projectName ? { projectName } : {}),
        ...(dir ? { projectDirectory: dir } : {}),
        style,
      });
      return cached;
    },
  };
  try {
    return await cmd.run(ctx, parsed);
  } catch (e) {
    if (e instanceof UsageError) {
      if (style === 'v1') {
        term.eprintln(V1_DOCS[name]);
        return 1;
      }
      term.eprintln(`"docker compose ${name}" requires at least 2 arguments.`);
      return V2_EXIT.syntax;
    }
    if (e instanceof ComposeError) {
      const { text, exit } = styled(e, style);
      if (text) term.eprintln(text);
      return exit;
    }
    if (e instanceof EngineError) {
      term.eprintln(style === 'v1' ? e.message : `Error response from daemon: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
