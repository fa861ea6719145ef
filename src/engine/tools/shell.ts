/**
 * `sh` inside containers: busybox ash (the interpreter in `src/shell/`) over the container's
 * files and programs.
 *
 * Time is simulated. A script in `docker exec` or a pipeline runs to its end at once. A script
 * that is a container's main process runs on the engine's clock: what it does up to "now" (the
 * engine's time plus `HUMAN_PAUSE_MS`, see `ops/containers.ts`) happens, with its output logged
 * at the time it was written, and the rest waits for the next look (`advanceScript`). The record
 * keeps what is needed to replay the script deterministically from its start (`ScriptRun`): a
 * replay re-runs what already happened against a scratch copy of the files, silently, and goes on
 * live from there. Signals (`docker kill`, `docker stop`) are kept with their time, so a replay
 * delivers them at the same point, and a trap runs when the foreground command ends, as in ash.
 */

import {
  type ExecOutcome,
  type ExecRequest,
  runShellSync,
  type ShellEnd,
  type ShellFs,
  type ShellOptions,
} from '../../shell/interp.ts';
import { HUMAN_PAUSE_MS } from '../clock.ts';
import type { ContainerRecord } from '../model/state.ts';
import { dateCommand } from './date.ts';
import { isDir, listDir, readFile, writeFile } from './fs.ts';
import { type Daemon, derive, exited, getEnv, type Proc, type ProcResult } from './process.ts';

export type Runner = (proc: Proc) => ProcResult;

/** A container's main process that is a shell script still running: enough to replay it. */
export interface ScriptRun {
  script: string;
  arg0: string;
  args: string[];
  /** The shell's own process: environment (ash's additions included), directory, user. */
  env: string[];
  cwd: string;
  user: string;
  /** When it started (engine ms). */
  startMs: number;
  /** Everything up to this time has happened: output logged, files written. */
  doneUntil: number;
  /** Signals sent to it, in time order (`docker stop`: TERM, then KILL after the timeout). */
  signals: Array<{ sig: string; at: number }>;
  /**
   * It does nothing more by itself: `blocked` waits for what never ends (a signal may still wake
   * it); `busy` ran out of steps in a loop that never sleeps (it spins on, unsimulated).
   */
  idle?: 'blocked' | 'busy';
}

declare module '../model/state.ts' {
  interface ContainerRecord {
    /** Its main process is a shell script that is still running (see `tools/shell.ts`). */
    script?: ScriptRun;
  }
}

/** Steps (commands, loop rounds) one run may take past what already happened. */
const LIVE_STEPS = 20_000;
/**
 * A look goes on with a running script only once this much time has passed since the last one
 * (a replay costs; callers that poll, like a wait, look every few milliseconds).
 */
const ADVANCE_STEP_MS = 500;
/** Steps a replay may take at most: a loop whose state never repeats is not replayed for days. */
const REPLAY_STEPS = 150_000;
/** How long a script that is not a container's main process may run on the simulated clock. */
const FOREGROUND_MS = 60_000;

export interface TimedOutput {
  stream: 'stdout' | 'stderr';
  text: string;
  ms: number;
}

/** ash's variable table bucket (`hashvar`, 39 buckets): the order it exports variables in. */
function ashBucket(entry: string): number {
  const name = entry.split('=')[0] ?? '';
  let h = (name.charCodeAt(0) || 0) << 4;
  for (const ch of Buffer.from(name, 'latin1')) h += ch;
  return h % 39;
}

/** The environment ash gives its children: by bucket, in the order variables were made. */
function ashOrder(env: string[]): string[] {
  return env
    .map((e, i) => ({ e, i, b: ashBucket(e) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.e);
}

/** What ash adds at start: SHLVL one deeper and PWD. */
function shellEnvironment(env: string[], cwd: string): string[] {
  const level = Number(getEnv({ env }, 'SHLVL') ?? '0');
  let out = env.map((e) =>
    e.startsWith('SHLVL=') ? `SHLVL=${(Number.isFinite(level) ? level : 0) + 1}` : e,
  );
  if (!out.some((e) => e.startsWith('SHLVL='))) out.push('SHLVL=1');
  if (!out.some((e) => e.startsWith('PWD='))) out = [...out, `PWD=${cwd}`];
  return ashOrder(out);
}

/**
 * Runs a script in `proc`'s context (`sh -c SCRIPT ARG0 ARGS...`, `sh FILE`, a script on stdin).
 * A container's main process keeps running on the simulated clock (see the file's comment).
 */
export function runScript(
  proc: Proc,
  script: string,
  run: Runner,
  arg0 = 'sh',
  args: string[] = [],
): ProcResult {
  const env = shellEnvironment(proc.env, proc.cwd);
  if (!proc.main) {
    const start = proc.engine.nowMs();
    const end = drive(
      proc,
      run,
      { script, arg0, args, env, startMs: start, horizon: start + FOREGROUND_MS },
      null,
    );
    return exited(end.end.kind === 'exit' ? end.end.code : end.end.kind === 'killed' ? 137 : 0);
  }
  const c = proc.container;
  const start = proc.engine.nowMs();
  const state: ScriptRun = {
    script,
    arg0,
    args,
    env,
    cwd: proc.cwd,
    user: proc.user,
    startMs: start,
    doneUntil: start - 1,
    signals: [],
  };
  const emit = (o: TimedOutput) => (o.stream === 'stdout' ? proc.out(o.text, o.ms) : proc.err(o.text, o.ms));
  const horizon = start + HUMAN_PAUSE_MS;
  const r = drive(proc, run, { ...state, horizon }, { state, emit });
  if (r.became) {
    delete c.script;
    return { daemon: r.became };
  }
  if (r.end.kind === 'exit') return exited(r.end.code);
  if (r.end.kind === 'killed') return exited(137);
  c.script = state;
  settle(state, r.end, horizon);
  return { daemon: { listeners: [], termCode: null } };
}

/** Records how far a run went. */
function settle(state: ScriptRun, end: ShellEnd, horizon: number): void {
  state.doneUntil = Math.max(state.doneUntil, end.kind === 'horizon' ? horizon : end.at);
  if (end.kind === 'budget') state.idle = 'busy';
  else if (end.kind === 'horizon' && end.blocked) state.idle = 'blocked';
}

interface DriveSpec {
  script: string;
  arg0: string;
  args: string[];
  env: string[];
  startMs: number;
  horizon: number;
  signals?: Array<{ sig: string; at: number }>;
}

interface MainSpec {
  state: ScriptRun;
  emit(o: TimedOutput): void;
}

/**
 * Runs the interpreter over the container. With `main`, what happened up to `state.doneUntil`
 * is replayed silently against a scratch copy of the files, and what follows happens for real.
 * `became`: the script's last command was exec'd in its place and keeps running (a server).
 */
function drive(
  proc: Proc,
  run: Runner,
  spec: DriveSpec,
  main: MainSpec | null,
): { end: ShellEnd; became?: Daemon } {
  const real = proc.container;
  const doneUntil = main ? main.state.doneUntil : Number.NEGATIVE_INFINITY;
  const clock = { ms: spec.startMs };
  let scratch: ContainerRecord | null = null;
  const container = (): ContainerRecord => {
    if (clock.ms > doneUntil) return real;
    scratch ??= {
      ...real,
      files: { ...(real.files ?? {}) },
      listeners: [...(real.listeners ?? [])],
      logs: [],
    };
    return scratch;
  };
  const fs: ShellFs = {
    read: (path) => (path === '/dev/null' ? '' : readFile(proc.engine, container(), path)),
    write: (path, text, append) => {
      const c = container();
      const parent = path.replace(/\/[^/]*$/, '') || '/';
      if (!isDir(c, parent)) return false;
      writeFile(c, path, text, append);
      return true;
    },
    isDir: (path) => isDir(container(), path),
    list: (path) => (isDir(container(), path) ? listDir(container(), path) : null),
  };
  let became: Daemon | undefined;
  const opts: ShellOptions = {
    fs,
    env: spec.env,
    cwd: proc.cwd,
    arg0: spec.arg0,
    args: spec.args,
    stdin: () => proc.stdin,
    out: (text, ms) => {
      if (!main) proc.out(text);
      else if (ms > doneUntil) main.emit({ stream: 'stdout', text, ms });
    },
    err: (text, ms) => {
      if (!main) proc.err(text);
      else if (ms > doneUntil) main.emit({ stream: 'stderr', text, ms });
    },
    pid: main ? 1 : 7,
    startMs: spec.startMs,
    horizonMs: spec.horizon,
    stepBudget: (doneUntil >= spec.startMs ? REPLAY_STEPS : 0) + LIVE_STEPS,
    replayUntil: doneUntil,
    signals: spec.signals ?? [],
    clock,
  };
  const exec = (req: ExecRequest): ExecOutcome => {
    const c = container();
    const sleep = sleepMs(req.argv);
    if (sleep !== null) return { code: 0, ms: sleep, pure: true };
    if (req.argv[0] === 'date') {
      // The script's own clock, which may be ahead of the engine's.
      const r = dateCommand(clock.ms, req.argv.slice(1));
      req.out(r.out);
      req.err(r.err);
      return { code: r.code, pure: true };
    }
    const stage = derive(proc, {
      container: c,
      argv: req.argv,
      env: ashOrder(req.env),
      cwd: req.cwd,
      main: main !== null && req.last,
      out: req.out,
      err: req.err,
      // Read only if the program reads it: what it leaves is the next command's.
      get stdin() {
        return req.readStdin();
      },
    });
    const r = run(stage);
    if (!('daemon' in r)) return { code: r.code };
    if (main && req.last) {
      // ash exec'd it: the container's main process is that program now.
      became = r.daemon;
      return { code: 0, ms: Number.POSITIVE_INFINITY };
    }
    c.listeners = [...(c.listeners ?? []), ...r.daemon.listeners];
    if (r.daemon.exitAfterMs !== undefined) return { code: 0, ms: r.daemon.exitAfterMs };
    return { code: 0, ms: Number.POSITIVE_INFINITY };
  };
  const end = runShellSync(spec.script, opts, exec);
  return became ? { end, became } : { end };
}

/** `sleep N` (busybox: seconds with a fraction, or with a unit): how long, or null if not that. */
function sleepMs(argv: string[]): number | null {
  const name = argv[0]?.replace(/^\/(usr\/)?bin\//, '');
  if (name !== 'sleep' || argv.length < 2) return null;
  let total = 0;
  for (const arg of argv.slice(1)) {
    if (/^inf(inity)?$/i.test(arg)) return Number.POSITIVE_INFINITY;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (!m) return null;
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    total += Number(m[1]) * unit * 1000;
  }
  return total;
}

/** The shell process of a container's running script, rebuilt for a replay. */
function replayProc(
  proc: Omit<Proc, 'argv' | 'env' | 'cwd' | 'user' | 'stdin' | 'main' | 'out' | 'err'>,
  s: ScriptRun,
): Proc {
  return {
    ...proc,
    argv: ['sh'],
    env: s.env,
    cwd: s.cwd,
    user: s.user,
    stdin: '',
    main: true,
    out: () => {},
    err: () => {},
  };
}

export interface AdvanceResult {
  output: TimedOutput[];
  /** How it ended, if it did: its exit code (137: SIGKILL). */
  exitCode?: number;
  /** When it ended (engine ms). */
  endedAt?: number;
}

/**
 * Lets a container's running script go on to `horizon` (engine ms): what it writes, and its exit
 * code if it ends by then. `force`: run even if it seemed idle (a signal came).
 */
export function advanceScript(
  engine: Proc['engine'],
  c: ContainerRecord,
  horizon: number,
  run: Runner,
  force = false,
): AdvanceResult {
  const s = c.script;
  if (!s || s.idle === 'busy' || (s.idle && !force) || (horizon < s.doneUntil + ADVANCE_STEP_MS && !force)) {
    // A busy loop is not simulated further: SIGKILL (`docker stop`'s, too) still ends it.
    const kill = s?.signals.find((x) => x.sig === 'KILL' && x.at <= horizon);
    if (s && kill) {
      delete c.script;
      return { output: [], exitCode: 137, endedAt: kill.at };
    }
    return { output: [] };
  }
  const output: TimedOutput[] = [];
  const proc = replayProc({ engine, container: c }, s);
  const r = drive(
    proc,
    run,
    {
      script: s.script,
      arg0: s.arg0,
      args: s.args,
      env: s.env,
      startMs: s.startMs,
      horizon,
      signals: s.signals,
    },
    { state: s, emit: (o) => output.push(o) },
  );
  if (r.became) {
    c.listeners = [...(c.listeners ?? []), ...r.became.listeners];
    if (r.became.termCode !== null) c.termExitCode = r.became.termCode;
    delete c.script;
    return { output };
  }
  if (r.end.kind === 'exit' || r.end.kind === 'killed') {
    delete c.script;
    return { output, exitCode: r.end.kind === 'exit' ? r.end.code : 137, endedAt: r.end.at };
  }
  delete s.idle;
  settle(s, r.end, horizon);
  return { output };
}

/**
 * Sends `sig` to a container's main shell at `at` (engine ms; not before what already happened).
 * With `killAfterMs`, a SIGKILL follows (`docker stop`). Returns the time the signal got.
 */
export function signalScript(c: ContainerRecord, sig: string, at: number, killAfterMs?: number): number {
  const s = c.script;
  if (!s) return at;
  const when = Math.max(at, s.doneUntil + 1);
  s.signals.push({ sig, at: when });
  if (killAfterMs !== undefined) s.signals.push({ sig: 'KILL', at: when + killAfterMs });
  if (s.idle === 'blocked') delete s.idle;
  return when;
}
