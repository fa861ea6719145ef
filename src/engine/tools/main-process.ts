/**
 * Running programs in containers: the main process at start (which either ends at once, with
 * its output in the logs, or keeps the container running) and `docker exec` processes.
 */
import { HUMAN_PAUSE_MS, rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { conflict, EngineError } from '../errors.ts';
import type { ContainerRecord } from '../model/state.ts';
import { removeAnonymousVolumes } from '../ops/container-mounts.ts';
import { deactivateEndpoint } from '../ops/endpoints.ts';
import { containerDied, logContainerEvent } from '../ops/events.ts';
import { detachFromSwarmNetworks } from '../ops/swarm.ts';
import { linkEntries } from './netinfo.ts';
import { type Proc, type ProcResult, StdinPending, withStdin } from './process.ts';
import { lookupExecutable, runProgram } from './programs.ts';
import { advanceScript, signalScript } from './shell.ts';
import { resolveUser } from './users.ts';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment Docker gives a process: PATH, HOSTNAME, TERM with a tty, links, config, HOME. */
export function processEnv(
  engine: Engine,
  c: ContainerRecord,
  tty: boolean,
  extra: string[] = [],
  user = c.user,
): string[] {
  const env: string[] = [];
  const has = (k: string, list: string[]) => list.some((e) => e.startsWith(`${k}=`));
  if (!has('PATH', c.env)) env.push(DEFAULT_PATH);
  env.push(`HOSTNAME=${c.hostname}`);
  if (tty) env.push('TERM=xterm');
  for (const link of linkEntries(engine, c)) {
    const alias = link.alias.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    env.push(`${alias}_NAME=/${c.name}/${link.alias}`);
    for (const e of link.target.env) {
      const [k, ...v] = e.split('=');
      if (k === 'HOME' || k === 'PATH') continue;
      env.push(`${alias}_ENV_${k}=${v.join('=')}`);
    }
  }
  const merged = [...env];
  for (const e of [...c.env, ...extra]) {
    const k = e.split('=')[0]!;
    if (!e.includes('=')) continue;
    const i = merged.findIndex((x) => x.split('=')[0] === k);
    if (i >= 0) merged[i] = e;
    else merged.push(e);
  }
  if (!has('HOME', merged)) {
    // The user's home from /etc/passwd; `/` for a uid the image does not know.
    const u = resolveUser(engine, c, user);
    merged.push(`HOME=${'error' in u ? '/root' : u.home}`);
  }
  return merged;
}

/** The error `runc` reports when argv[0] cannot be executed, and the CLI's exit code for it. */
export function execFailure(
  engine: Engine,
  c: ContainerRecord,
  argv0: string,
  cwd: string,
): { text: string; code: number } | null {
  const found = lookupExecutable({ engine, container: c, cwd }, argv0);
  switch (found.kind) {
    case 'ok':
      return null;
    case 'notfound':
      return { text: `exec: "${argv0}": executable file not found in $PATH`, code: 127 };
    case 'denied':
      return { text: `exec: "${argv0}": permission denied`, code: 126 };
    case 'nofile':
      return { text: `exec: "${argv0}": stat ${argv0}: no such file or directory`, code: 127 };
  }
}

/** Ends the main process: the container exits with `code` and gives its addresses back. */
export function exitedContainer(engine: Engine, c: ContainerRecord, code: number): void {
  const wasRunning = c.status === 'running' || c.status === 'paused' || c.status === 'restarting';
  c.status = 'exited';
  c.exitCode = code;
  c.pid = 0;
  c.finishedAt = engine.now();
  c.boundPorts = {};
  delete c.listeners;
  delete c.exitAtMs;
  delete c.exitAtCode;
  delete c.termExitCode;
  delete c.script;
  for (const ep of c.endpoints) deactivateEndpoint(ep);
  if (c.gatewayIface) {
    detachFromSwarmNetworks(engine, c.id);
    delete c.gatewayIface;
  }
  if (wasRunning) containerDied(engine, c, code);
}

export interface MainResult {
  /** What it wrote, in order; `ms`: when, on the engine's clock. */
  output: Array<{ stream: 'stdout' | 'stderr'; text: string; ms?: number }>;
  exitCode: number | null;
  removed: boolean;
  /**
   * The process reads a stdin its attached client has not closed yet: the container runs, and
   * `resumeMainProcess` runs the program once the input is complete.
   */
  awaitingStdin?: boolean;
}

/**
 * What an attached client has sent to a process's stdin: the text once it closed its side
 * (half-close or disconnect), undefined while it may still send more.
 */
export type StdinFeed = () => string | undefined;

/**
 * Starts the main process of a container whose network is ready. `detached`: nobody waits for
 * it (`docker run -d`, `docker start`), so a process that is over at once is noted as unseen.
 * `stdin`: a client attached to the container's stdin (`docker run -i`) feeds it.
 */
export function runMainProcess(
  engine: Engine,
  c: ContainerRecord,
  detached = false,
  stdin?: StdinFeed,
): MainResult {
  const argv = mainArgv(c);
  const cwd = c.workingDir || '/';
  // The daemon resolves `--user` while it builds the runtime spec, before runc looks for argv[0].
  const user = resolveUser(engine, c, c.user);
  if ('error' in user) {
    for (const ep of c.endpoints) deactivateEndpoint(ep);
    c.boundPorts = {};
    throw new EngineError(500, user.error);
  }
  const failure = argv.length
    ? execFailure(engine, c, argv[0]!, cwd)
    : { text: 'no command specified', code: 125 };
  if (failure) {
    for (const ep of c.endpoints) deactivateEndpoint(ep);
    c.boundPorts = {};
    // The daemon keeps the runtime's exit code on the container, which stays created.
    c.exitCode = failure.code;
    const err = new EngineError(
      400,
      `failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${failure.text}: unknown`,
    );
    (err as EngineError & { runExitCode?: number }).runExitCode = failure.code;
    throw err;
  }
  c.status = 'running';
  c.pid = 1000 + engine.ids.int(60000);
  c.startedAt = engine.now();
  c.exitCode = 0;
  c.listeners = [];
  logContainerEvent(engine, c, 'start');
  return runMain(engine, c, detached, stdin);
}

/**
 * The main process of a container left waiting for its stdin (`awaitingStdin`), run now that its
 * client closed it. Does nothing (null) when the container no longer runs that process.
 */
export function resumeMainProcess(
  engine: Engine,
  c: ContainerRecord,
  startedAt: string,
  stdin: string,
  detached = false,
): MainResult | null {
  if (c.status !== 'running' || c.startedAt !== startedAt || !engine.state.containers.includes(c))
    return null;
  return runMain(engine, c, detached, () => stdin);
}

function mainArgv(c: ContainerRecord): string[] {
  return [c.path, ...c.args].filter((_, i) => i > 0 || c.path !== '');
}

function runMain(engine: Engine, c: ContainerRecord, detached: boolean, stdin?: StdinFeed): MainResult {
  const output: MainResult['output'] = [];
  const startMs = engine.nowMs();
  const base = {
    engine,
    container: c,
    argv: mainArgv(c),
    env: processEnv(engine, c, c.tty),
    cwd: c.workingDir || '/',
    user: c.user,
    main: true,
    out: (text: string, ms?: number) => output.push({ stream: 'stdout', text, ms: ms ?? startMs }),
    err: (text: string, ms?: number) => output.push({ stream: 'stderr', text, ms: ms ?? startMs }),
  };
  const proc: Proc = stdin ? withStdin({ ...base, stdinAttached: true }, stdin) : { ...base, stdin: '' };
  let result = runUnlessStdinPending(c, proc);
  if (!result) return { output: [], exitCode: null, removed: false, awaitingStdin: true };
  if ('daemon' in result && c.script && !detached) {
    // A client attached to a script waits for it: let it run on (as far as a chat can wait).
    const more = advanceScript(engine, c, startMs + ATTACHED_WAIT_MS, runProgram);
    output.push(...more.output);
    if (more.exitCode !== undefined) result = { code: more.exitCode };
  }
  pushLogs(engine, c, output);
  if ('daemon' in result) {
    c.listeners = [...(c.listeners ?? []), ...result.daemon.listeners];
    if (result.daemon.termCode !== null) c.termExitCode = result.daemon.termCode;
    if (result.daemon.exitAfterMs !== undefined) c.exitAtMs = engine.nowMs() + result.daemon.exitAfterMs;
    return { output: onTerminal(c, inTimeOrder(output)), exitCode: null, removed: false };
  }
  exitedContainer(engine, c, result.code);
  let removed = false;
  if (detached) c.exitUnseen = 1;
  else if (c.hostConfig.autoRemove) {
    engine.state.containers = engine.state.containers.filter((x) => x !== c);
    removeAnonymousVolumes(engine, c);
    logContainerEvent(engine, c, 'destroy');
    removed = true;
  }
  return { output: onTerminal(c, inTimeOrder(output)), exitCode: result.code, removed };
}

/**
 * Lets a container whose main process is a running script go on to `horizon` (engine ms): logs
 * what it writes and exits the container if it ends. Returns its exit code then.
 */
export function advanceMain(
  engine: Engine,
  c: ContainerRecord,
  horizon: number,
  force = false,
): number | null {
  if (!c.script || c.status !== 'running') return null;
  const r = advanceScript(engine, c, horizon, runProgram, force);
  pushLogs(engine, c, r.output);
  if (r.exitCode === undefined) return null;
  exitedContainer(engine, c, r.exitCode);
  return r.exitCode;
}

/**
 * Sends `sig` to a container's running script (`docker kill -s`); with `killAfterMs`, SIGKILL
 * follows and the container is stopped (`docker stop`). Returns its exit code if it ended.
 */
export function signalMain(
  engine: Engine,
  c: ContainerRecord,
  sig: string,
  killAfterMs?: number,
): number | null {
  if (!c.script) return null;
  const at = signalScript(c, sig, engine.nowMs() + HUMAN_PAUSE_MS, killAfterMs);
  // Its trap runs once the command it waits for ends: by the next look, as far as that goes.
  const horizon = killAfterMs === undefined ? at + HUMAN_PAUSE_MS : at + killAfterMs;
  return advanceMain(engine, c, horizon, true);
}

/** How long a client attached to a script (`docker run` without `-d`) waits for it to end. */
const ATTACHED_WAIT_MS = 60_000;

function inTimeOrder<T extends { ms?: number }>(output: T[]): T[] {
  return output
    .map((o, i) => ({ o, i }))
    .sort((a, b) => (a.o.ms ?? 0) - (b.o.ms ?? 0) || a.i - b.i)
    .map((x) => x.o);
}

/**
 * Logs what a main process wrote, line by line, at the time it wrote it. The log driver copies
 * stderr and stdout separately: of what was written at one time, the stderr copy lands first
 * (as recorded from Docker for a process that is over at once).
 */
export function pushLogs(
  engine: Engine,
  c: ContainerRecord,
  output: Array<{ stream: 'stdout' | 'stderr'; text: string; ms?: number }>,
): void {
  const startMs = Date.parse(c.startedAt);
  // A terminal (`-t`) carries both streams as one, in the order written, lines ended CR LF.
  const eol = c.tty ? '\r\n' : '\n';
  const ordered = output
    .map((o, i) => ({ o: c.tty ? { ...o, stream: 'stdout' as const } : o, i, ms: o.ms ?? engine.nowMs() }))
    .sort(
      (a, b) =>
        a.ms - b.ms || (a.o.stream === b.o.stream ? 0 : a.o.stream === 'stderr' ? -1 : 1) || a.i - b.i,
    );
  // Lines split across writes join up per stream.
  const partial: Record<'stdout' | 'stderr', { text: string; ms: number } | null> = {
    stdout: null,
    stderr: null,
  };
  const push = (stream: 'stdout' | 'stderr', text: string, ms: number) =>
    c.logs.push({ stream, text, time: ms <= startMs ? c.startedAt : rfc3339Nanos(ms, 0) });
  for (const { o, ms } of ordered) {
    let text = o.text;
    const held = partial[o.stream];
    if (held) {
      text = held.text + text;
      partial[o.stream] = null;
    }
    const lines = text.split('\n');
    const rest = lines.pop()!;
    for (const line of lines) push(o.stream, `${line}${eol}`, held?.ms ?? ms);
    if (rest) partial[o.stream] = { text: rest, ms: held && !lines.length ? held.ms : ms };
  }
  for (const stream of ['stderr', 'stdout'] as const) {
    const held = partial[stream];
    if (held) push(stream, `${held.text}${eol}`, held.ms);
  }
}

/**
 * Runs `proc`, or gives null when it reads a stdin its client has not closed yet; then nothing
 * it wrote before stays in the container's files, as it runs again from the start at EOF.
 */
function runUnlessStdinPending(c: ContainerRecord, proc: Proc): ProcResult | null {
  const files = c.files ? { ...c.files } : undefined;
  try {
    return runProgram(proc);
  } catch (e) {
    if (!(e instanceof StdinPending)) throw e;
    if (files) c.files = files;
    else delete c.files;
    return null;
  }
}

export interface ExecOptions {
  env?: string[];
  workdir?: string;
  user?: string;
  tty?: boolean;
  detach?: boolean;
  /** Its stdin: text, or a client's (`docker exec -i`) still being sent. */
  stdin?: string | StdinFeed;
  /** The container as the user named it (some daemon messages repeat it). */
  ref?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Interleaved, as a terminal shows them. */
  combined: string;
  /** Writes in order, each on its stream. */
  chunks: Array<{ stream: 'stdout' | 'stderr'; text: string }>;
  exitCode: number;
  /** It reads a stdin its client has not closed yet: run it again when the input is complete. */
  awaitingStdin?: boolean;
}

/** `docker exec`: the container must be running and not paused; the program must exist. */
export function execInContainer(
  engine: Engine,
  c: ContainerRecord,
  argv: string[],
  opts: ExecOptions = {},
): ExecResult {
  if (c.status === 'paused') {
    throw conflict(`Container ${opts.ref ?? c.id} is paused, unpause the container before exec`);
  }
  if (c.status !== 'running') throw conflict(`Container ${c.id} is not running`);
  for (const link of c.hostConfig.links) {
    const m = /^\/([^:]+):(.+)$/.exec(link);
    const target = m ? engine.state.containers.find((x) => x.name === m[1]) : undefined;
    if (m && target?.status !== 'running') {
      throw conflict(`Cannot link to a non running container: /${m[1]} AS ${m[2]}`);
    }
  }
  const cwd = opts.workdir || c.workingDir || '/';
  const user = resolveUser(engine, c, opts.user ?? c.user);
  if ('error' in user) {
    const text = `${user.error}\n`;
    return { stdout: text, stderr: '', combined: text, chunks: [{ stream: 'stdout', text }], exitCode: 126 };
  }
  const failure = execFailure(engine, c, argv[0] ?? '', cwd);
  if (failure) {
    const text = `OCI runtime exec failed: exec failed: unable to start container process: ${failure.text}: unknown\n`;
    return { stdout: text, stderr: '', combined: text, chunks: [{ stream: 'stdout', text }], exitCode: 126 };
  }
  let stdout = '';
  let stderr = '';
  let combined = '';
  const chunks: ExecResult['chunks'] = [];
  const base = {
    engine,
    container: c,
    argv,
    env: processEnv(engine, c, Boolean(opts.tty), opts.env ?? [], opts.user ?? c.user),
    cwd,
    user: opts.user ?? c.user,
    main: false,
    out: (t: string) => {
      const text = opts.tty ? onlcr(t) : t;
      stdout += text;
      combined += text;
      chunks.push({ stream: 'stdout', text });
    },
    // A terminal (`-t`) carries stderr on the one stream too.
    err: (t: string) => {
      const text = opts.tty ? onlcr(t) : t;
      if (opts.tty) stdout += text;
      else stderr += text;
      combined += text;
      chunks.push({ stream: opts.tty ? 'stdout' : 'stderr', text });
    },
  };
  const feed = opts.stdin;
  const proc: Proc = typeof feed === 'function' ? withStdin(base, feed) : { ...base, stdin: feed ?? '' };
  const result = runUnlessStdinPending(c, proc);
  if (!result) return { stdout: '', stderr: '', combined: '', chunks: [], exitCode: 0, awaitingStdin: true };
  if ('daemon' in result) {
    // A server started by exec serves until the container stops.
    c.listeners = [...(c.listeners ?? []), ...result.daemon.listeners];
    return { stdout, stderr, combined, chunks, exitCode: 0 };
  }
  return { stdout, stderr, combined, chunks, exitCode: result.code };
}

/** What an attached client sees of a `-t` container: one stream, through the terminal. */
function onTerminal(c: ContainerRecord, output: MainResult['output']): MainResult['output'] {
  if (!c.tty) return output;
  return output.map((o) => ({ ...o, stream: 'stdout' as const, text: onlcr(o.text) }));
}

/** A terminal's output processing (`onlcr`): each line feed goes out as CR LF. */
function onlcr(text: string): string {
  return text.replace(/\n/g, '\r\n');
}
