/**
 * Runs a busybox ash script (`parse.ts` builds its tree) for both shells of the simulator: the
 * sandbox host's and the one in containers. The interpreter is a generator that yields each
 * program it runs (`ExecRequest`) to its driver, so the same code serves the host, whose programs
 * are asynchronous (`runShellAsync`), and containers, whose programs are not (`runShellSync`).
 *
 * Time is simulated: a program may report that it took some time (`sleep 1`), which moves the
 * shell's clock. A run stops at a horizon (the driver's idea of "now"), or when it has run too
 * many steps, and can be replayed deterministically from the start to go further; signals sent
 * to the shell (`docker kill`) are scheduled at a time on that clock, so a replay delivers them
 * at the same point. Traps run as ash runs them: after the foreground command ends.
 */
import { ArithError, evalArith } from './arith.ts';
import type { Node, Redir, Word, WordPart } from './ast.ts';
import { parseShell, ScriptReader, ShellSyntaxError } from './parse.ts';
import { hasGlob, matchPattern, patternSource, replacePattern, type Seg, trimPattern } from './pattern.ts';

export interface ExecRequest {
  argv: string[];
  /** The program's environment, `KEY=value`: exported variables and the command's assignments. */
  env: string[];
  cwd: string;
  /**
   * Reads its stdin: what is left of the shell's input (a pipe, a file, the process's own stdin),
   * which it consumes. A program that never calls it leaves the input to the next one
   * (`while read l; do docker rm $l; done`). The same text on every call.
   */
  readStdin(): string;
  out(text: string): void;
  err(text: string): void;
  /** ash would exec it in place of the shell: the last command of the script, no traps set. */
  last: boolean;
}

export interface ExecOutcome {
  code: number;
  /** It read nothing and changed nothing but its output (`sleep`, `date`): a loop of such can be skipped ahead. */
  pure?: boolean;
  /** How long it ran (`sleep 1`): the shell's clock moves on. Infinity: it never ends. */
  ms?: number;
}

export type ShellGen<T> = Generator<ExecRequest, T, ExecOutcome>;

/** The files the shell sees (paths are absolute). */
export interface ShellFs {
  read(path: string): string | null;
  /** Writes or appends; false when the file cannot be created (no such directory). */
  write(path: string, text: string, append: boolean): boolean;
  isDir(path: string): boolean;
  /** Names in a directory, or null when it is not one. */
  list(path: string): string[] | null;
}

export interface ShellOptions {
  fs: ShellFs;
  /** The environment it starts with, `KEY=value`; all exported. */
  env: string[];
  cwd: string;
  /** `$0` and the positional parameters. */
  arg0: string;
  args?: string[];
  /** The process's stdin, read when the script first reads it. */
  stdin: () => string;
  /** The process's output, with the time on the shell's clock. */
  out(text: string, ms: number): void;
  err(text: string, ms: number): void;
  /** `$$`. */
  pid?: number;
  /** The clock at start (ms). */
  startMs?: number;
  /** It stops (a `horizon` end) rather than let its clock pass this. */
  horizonMs?: number;
  /** Commands and loop rounds it may run before it stops (a `budget` end). */
  stepBudget?: number;
  /** Signals sent to it (it is PID 1 of a container), in time order. KILL ends it at once. */
  signals?: Array<{ sig: string; at: number }>;
  /** The shell's clock (ms), which the driver may read while it runs a program; made if absent. */
  clock?: { ms: number };
  /**
   * Up to this time the run replays what already happened (its output is dropped by the driver):
   * a `while` loop that repeats itself exactly is skipped ahead there, and output is not counted.
   */
  replayUntil?: number;
}

/** How a run ended. */
export type ShellEnd =
  | { kind: 'exit'; code: number; at: number }
  /** Still running when its clock reached the horizon; `blocked`: waiting for something that never ends. */
  | { kind: 'horizon'; at: number; blocked: boolean }
  /** It ran out of steps (a loop that never sleeps): it runs on, saying nothing more. */
  | { kind: 'budget'; at: number }
  | { kind: 'killed'; at: number };

export const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  POLL: 29,
  PWR: 30,
  SYS: 31,
};
const SIGNAL_NAMES = Object.fromEntries(Object.entries(SIGNALS).map(([k, v]) => [v, k]));

/** A signal's name (`TERM`) from `TERM`, `SIGTERM`, `15`, or `EXIT`/`0`; null if none. */
export function signalName(spec: string): string | null {
  const s = spec.toUpperCase().replace(/^SIG/, '');
  if (s === 'EXIT' || s === '0') return 'EXIT';
  if (/^\d+$/.test(spec)) return SIGNAL_NAMES[Number(spec)] ?? null;
  return SIGNALS[s] !== undefined ? s : null;
}

// ---- control flow ----

class ExitSig {
  constructor(readonly code: number) {}
}
class BreakSig {
  constructor(
    public n: number,
    readonly cont: boolean,
  ) {}
}
class ReturnSig {
  constructor(readonly code: number) {}
}
/** The run is over for the driver (horizon, budget, SIGKILL): unwinds everything. */
class Stop {
  constructor(readonly end: ShellEnd) {}
}

type Sink = (text: string) => void;

/** A stdin the shell reads from bit by bit (`read`), shared by the commands that inherit it. */
class Input {
  private text: string | undefined;
  pos = 0;
  constructor(private readonly source: (() => string) | string) {
    if (typeof source === 'string') this.text = source;
  }
  private load(): string {
    if (this.text === undefined) this.text = (this.source as () => string)();
    return this.text;
  }
  rest(): string {
    const t = this.load();
    const r = t.slice(this.pos);
    this.pos = t.length;
    return r;
  }
  /** One line (without its newline), or null at the end. */
  line(): { text: string; complete: boolean } | null {
    const t = this.load();
    if (this.pos >= t.length) return null;
    const nl = t.indexOf('\n', this.pos);
    const end = nl < 0 ? t.length : nl;
    const text = t.slice(this.pos, end);
    this.pos = nl < 0 ? t.length : nl + 1;
    return { text, complete: nl >= 0 };
  }
}

interface Var {
  value: string | undefined;
  exported: boolean;
  readonly?: boolean;
}

/** What a subshell shares with its parent: the clock, limits, signals, jobs. */
interface Shared {
  opts: ShellOptions;
  clock: { ms: number };
  steps: number;
  stepBudget: number;
  horizon: number;
  signals: Array<{ sig: string; at: number; done?: boolean }>;
  pending: string[];
  nextPid: number;
  /** Output the run may still write (bytes); past it, the run stops as out of steps (a runaway loop). */
  outputLeft: number;
  /** Counts what a loop round did besides computing: file reads, stdin reads, programs. */
  impure: number;
  /** Counts changes to variables, parameters and traps. */
  writes: number;
  replayUntil: number;
}

interface Job {
  pid: number;
  /** When it ends on the clock (Infinity: never), and its status. */
  endMs: number;
  code: number;
}

const BUILTINS = new Set([
  ':',
  '.',
  '[',
  '[[',
  'getopts',
  'break',
  'cd',
  'command',
  'continue',
  'echo',
  'eval',
  'exec',
  'exit',
  'export',
  'false',
  'kill',
  'let',
  'local',
  'printf',
  'pwd',
  'read',
  'readonly',
  'return',
  'set',
  'shift',
  'source',
  'test',
  'trap',
  'true',
  'type',
  'umask',
  'unset',
  'wait',
]);
/** Special builtins: a redirection or assignment error in them ends the shell. */
const SPECIAL = new Set([
  ':',
  '.',
  'break',
  'continue',
  'eval',
  'exec',
  'exit',
  'export',
  'readonly',
  'return',
  'set',
  'shift',
  'trap',
  'unset',
]);

/** Runs a script to its end or its horizon, with a driver whose programs return at once. */
export function runShellSync(
  script: string,
  opts: ShellOptions,
  exec: (r: ExecRequest) => ExecOutcome,
): ShellEnd {
  const gen = runShell(script, opts);
  let step = gen.next();
  while (!step.done) step = gen.next(exec(step.value));
  return step.value;
}

/** Runs a script with a driver whose programs are asynchronous (the sandbox host's). */
export async function runShellAsync(
  script: string,
  opts: ShellOptions,
  exec: (r: ExecRequest) => Promise<ExecOutcome>,
): Promise<ShellEnd> {
  const gen = runShell(script, opts);
  let step = gen.next();
  while (!step.done) step = gen.next(await exec(step.value));
  return step.value;
}

/** The interpreter as a generator of program runs (see `runShellSync`). */
export function* runShell(script: string, opts: ShellOptions): ShellGen<ShellEnd> {
  const clock = opts.clock ?? { ms: 0 };
  clock.ms = opts.startMs ?? clock.ms;
  const procStdin = new Input(opts.stdin);
  const shared: Shared = {
    opts,
    clock,
    steps: 0,
    stepBudget: opts.stepBudget ?? 100_000,
    horizon: opts.horizonMs ?? Number.POSITIVE_INFINITY,
    signals: (opts.signals ?? []).map((s) => ({ ...s })),
    pending: [],
    nextPid: (opts.pid ?? 1) + 6,
    outputLeft: 1 << 20,
    impure: 0,
    writes: 0,
    replayUntil: opts.replayUntil ?? Number.NEGATIVE_INFINITY,
  };
  // Reads make a loop round depend on the world: it cannot be skipped ahead.
  const fs = opts.fs;
  shared.opts = {
    ...opts,
    fs: {
      read(p) {
        shared.impure++;
        return fs.read(p);
      },
      write: (p, t, a) => fs.write(p, t, a),
      isDir(p) {
        shared.impure++;
        return fs.isDir(p);
      },
      list(p) {
        shared.impure++;
        return fs.list(p);
      },
    },
  };
  const sh = new Shell(shared, null);
  sh.isMain = true;
  for (const e of opts.env) {
    const eq = e.indexOf('=');
    if (eq > 0) sh.vars.set(e.slice(0, eq), { value: e.slice(eq + 1), exported: true });
  }
  sh.cwd = opts.cwd;
  sh.arg0 = opts.arg0;
  sh.positional = [...(opts.args ?? [])];
  sh.pid = opts.pid ?? 1;
  const emit = (t: string, to: 'out' | 'err') => {
    if (shared.outputLeft <= 0) return;
    if (shared.clock.ms > shared.replayUntil) shared.outputLeft -= t.length;
    opts[to](t, shared.clock.ms);
  };
  sh.fds = [procStdin, (t) => emit(t, 'out'), (t) => emit(t, 'err')];
  try {
    const code = yield* sh.runScript(script, true);
    return { kind: 'exit', code, at: shared.clock.ms };
  } catch (e) {
    if (e instanceof Stop) return e.end;
    throw e;
  }
}

class Shell {
  vars = new Map<string, Var>();
  functions = new Map<string, Node>();
  traps = new Map<string, string>();
  positional: string[] = [];
  arg0 = 'sh';
  cwd = '/';
  status = 0;
  pid = 1;
  lastBg = '';
  isMain = false;
  /** Inside `if`/`while` conditions and the left of `&&`/`||`, where `set -e` does not apply. */
  condDepth = 0;
  /** The name of the function running, for `local` and `return`. */
  funcDepth = 0;
  locals: Array<Map<string, Var | undefined>> = [];
  loopDepth = 0;
  options = { e: false, u: false, x: false, f: false };
  jobs: Job[] = [];
  /** fd 0 is an Input; 1 and 2 (and more after `exec 3>`) are sinks. */
  fds: Array<Input | Sink | undefined> = [];
  /** The line of the command running, for error messages. */
  line = 0;
  /** The script ends with the command running now (ash then execs it: `ExecRequest.last`). */
  atEnd = false;

  constructor(
    readonly shared: Shared,
    parent: Shell | null,
  ) {
    if (!parent) return;
    for (const [k, v] of parent.vars) this.vars.set(k, { ...v });
    this.functions = new Map(parent.functions);
    // A subshell keeps ignored signals; other traps are reset.
    for (const [k, v] of parent.traps) if (v === '') this.traps.set(k, v);
    this.positional = [...parent.positional];
    this.arg0 = parent.arg0;
    this.cwd = parent.cwd;
    this.status = parent.status;
    this.pid = parent.pid;
    this.lastBg = parent.lastBg;
    this.options = { ...parent.options };
    this.fds = [...parent.fds];
    this.funcDepth = parent.funcDepth;
    this.line = parent.line;
  }

  // ---- errors and output ----

  private write(fd: number, text: string): void {
    const sink = this.fds[fd];
    if (typeof sink === 'function') sink(text);
  }

  /** `sh: MESSAGE` on stderr. */
  private complain(msg: string): void {
    this.write(2, `${this.shared.opts.arg0 === 'sh' ? 'sh' : 'sh'}: ${msg}\n`);
  }

  /** A builtin's error: `sh: NAME: line N: MESSAGE`. */
  private builtinError(name: string, msg: string): void {
    this.complain(`${name}: line ${this.line}: ${msg}`);
  }

  // ---- time, steps and signals ----

  private step(): void {
    const s = this.shared;
    if (++s.steps > s.stepBudget || s.outputLeft <= 0) throw new Stop({ kind: 'budget', at: s.clock.ms });
  }

  /** Moves the clock `ms` on (Infinity: forever), delivering the signals sent meanwhile. */
  private advance(ms: number, interruptible = false): { interrupted: boolean } {
    const s = this.shared;
    const from = s.clock.ms;
    let target = from + ms;
    for (const sig of s.signals) {
      if (sig.done || sig.at > target) continue;
      const at = Math.max(sig.at, from);
      if (sig.sig === 'KILL') {
        if (at > s.horizon) break;
        s.clock.ms = at;
        throw new Stop({ kind: 'killed', at });
      }
      if (at > s.horizon) break;
      sig.done = true;
      const trap = this.mainTraps().get(sig.sig);
      if (trap === undefined || trap === '') continue; // PID 1 ignores signals it has no handler for
      s.pending.push(sig.sig);
      if (interruptible) {
        target = at;
        s.clock.ms = at;
        return { interrupted: true };
      }
    }
    if (target > s.horizon || target === Number.POSITIVE_INFINITY) {
      const at = Math.min(s.horizon, Math.max(from, target === Number.POSITIVE_INFINITY ? from : target));
      s.clock.ms = s.horizon === Number.POSITIVE_INFINITY ? from : s.horizon;
      throw new Stop({
        kind: 'horizon',
        at: Math.max(at, s.clock.ms),
        blocked: ms === Number.POSITIVE_INFINITY,
      });
    }
    s.clock.ms = target;
    return { interrupted: false };
  }

  /** The traps of PID 1 (the top shell), which receives the signals. */
  mainTraps(): Map<string, string> {
    return this.root().traps;
  }

  private rootShell: Shell | null = null;
  private root(): Shell {
    return this.rootShell ?? this;
  }

  /** Runs the handlers of signals that arrived, as ash does after each command. */
  private *runTraps(): ShellGen<void> {
    if (!this.isMain) return;
    const s = this.shared;
    while (s.pending.length) {
      const sig = s.pending.shift()!;
      const action = this.traps.get(sig);
      if (!action) continue;
      const saved = this.status;
      yield* this.evalText(action);
      this.status = saved;
    }
  }

  // ---- running scripts ----

  /** Runs a script line by line, as ash reads one; `top`: the process's own script (EXIT trap). */
  *runScript(text: string, top: boolean): ShellGen<number> {
    const reader = new ScriptReader(text);
    try {
      for (;;) {
        let node: Node | null;
        try {
          node = reader.next();
        } catch (e) {
          if (e instanceof ShellSyntaxError) {
            this.complain(`syntax error: ${e.message}`);
            throw new ExitSig(2);
          }
          throw e;
        }
        if (!node) break;
        this.atEnd = top && reader.atEnd();
        yield* this.run(node);
      }
    } catch (e) {
      if (!(e instanceof ExitSig) || !top) throw e;
      this.status = e.code;
    }
    if (top) yield* this.exitTrap();
    return this.status;
  }

  private *exitTrap(): ShellGen<void> {
    const action = this.traps.get('EXIT');
    if (!action) return;
    this.traps.delete('EXIT');
    const saved = this.status;
    try {
      yield* this.evalText(action);
      this.status = saved;
    } catch (e) {
      if (e instanceof ExitSig) this.status = e.code;
      else throw e;
    }
  }

  /** `eval` and trap actions: parses and runs text in this shell. */
  private *evalText(text: string): ShellGen<number> {
    let node: Node;
    try {
      node = parseShell(text);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        this.complain(`syntax error: ${e.message}`);
        throw new ExitSig(2);
      }
      throw e;
    }
    const atEnd = this.atEnd;
    this.atEnd = false;
    try {
      return yield* this.run(node);
    } finally {
      this.atEnd = atEnd;
    }
  }

  /** Runs a node and sets `$?`. */
  *run(node: Node): ShellGen<number> {
    const code = yield* this.exec(node);
    this.status = code;
    return code;
  }

  private *exec(node: Node): ShellGen<number> {
    switch (node.t) {
      case 'simple': {
        this.step();
        const code = yield* this.simple(node);
        this.status = code;
        yield* this.runTraps();
        if (code !== 0 && this.options.e && this.condDepth === 0) throw new ExitSig(code);
        return code;
      }
      case 'seq': {
        let code = 0;
        const atEnd = this.atEnd;
        for (let k = 0; k < node.items.length; k++) {
          const item = node.items[k]!;
          this.atEnd = atEnd && k === node.items.length - 1;
          if (item.bg) {
            this.atEnd = false;
            code = yield* this.background(item.node);
          } else code = yield* this.run(item.node);
        }
        this.atEnd = atEnd;
        return code;
      }
      case 'and':
      case 'or': {
        const atEnd = this.atEnd;
        this.atEnd = false;
        this.condDepth++;
        let code: number;
        try {
          code = yield* this.run(node.left);
        } finally {
          this.condDepth--;
        }
        this.atEnd = atEnd;
        if ((node.t === 'and') === (code === 0)) code = yield* this.run(node.right);
        return code;
      }
      case 'pipe':
        return yield* this.pipeline(node.cmds, node.bang);
      case 'func':
        this.functions.set(node.name, node.body);
        return 0;
      default: {
        const code = yield* this.withRedirs(node.redirs, () => this.compound(node));
        this.status = code;
        yield* this.runTraps();
        return code;
      }
    }
  }

  private *compound(node: Node): ShellGen<number> {
    const atEnd = this.atEnd;
    switch (node.t) {
      case 'brace':
        return yield* this.run(node.body);
      case 'sub': {
        const sub = this.subshell();
        sub.atEnd = atEnd;
        return yield* sub.runSub(node.body);
      }
      case 'if': {
        for (const clause of node.clauses) {
          this.atEnd = false;
          if ((yield* this.condition(clause.cond)) === 0) {
            this.atEnd = atEnd;
            return yield* this.run(clause.body);
          }
        }
        this.atEnd = atEnd;
        return node.else ? yield* this.run(node.else) : 0;
      }
      case 'while':
      case 'until': {
        const { cond, t } = node;
        return yield* this.loop(
          node.body,
          function* (sh) {
            return ((yield* sh.condition(cond)) === 0) === (t === 'while');
          },
          true,
        );
      }
      case 'for': {
        this.atEnd = false;
        const items: string[] = [];
        if (node.items === null) items.push(...this.positional);
        else for (const w of node.items) items.push(...(yield* this.expandFields(w)));
        this.atEnd = atEnd;
        let k = 0;
        const name = node.name;
        return yield* this.loop(node.body, (sh) => {
          if (k >= items.length) return false;
          sh.setVar(name, items[k++]!);
          return true;
        });
      }
      case 'case': {
        const value = yield* this.expandString(node.word);
        for (const arm of node.arms) {
          for (const p of arm.patterns) {
            const segs = yield* this.expandSegs(p);
            if (matchPattern(segs, value)) return arm.body ? yield* this.run(arm.body) : 0;
          }
        }
        return 0;
      }
      default:
        return yield* this.exec(node);
    }
  }

  /** Runs `body` while `more` says so, with `break` and `continue`; the status of the last round. */
  private *loop(
    body: Node,
    more: (sh: Shell) => boolean | ShellGen<boolean>,
    periodic = false,
  ): ShellGen<number> {
    const atEnd = this.atEnd;
    this.atEnd = false;
    let code = 0;
    this.loopDepth++;
    let last: LoopMark | null = null;
    try {
      for (;;) {
        if (periodic) last = this.skipAhead(last);
        this.step();
        const next = more(this);
        if (!(typeof next === 'boolean' ? next : yield* next)) break;
        const r = yield* this.loopBody(body);
        code = r.code;
        if (r.stop) break;
      }
    } finally {
      this.loopDepth--;
      this.atEnd = atEnd;
    }
    return code;
  }

  /**
   * While replaying, a `while` loop whose round left the shell as it found it, read nothing and
   * ran nothing but `sleep`-like programs repeats itself: its clock jumps over the rounds up to
   * the end of the replay (or the next signal), as running them would only give dropped output.
   */
  private skipAhead(last: LoopMark | null): LoopMark | null {
    const s = this.shared;
    if (s.clock.ms >= s.replayUntil) return null;
    const state = this.signature();
    if (
      last &&
      last.state === state &&
      last.impure === s.impure &&
      last.writes === s.writes &&
      s.clock.ms > last.ms
    ) {
      const period = s.clock.ms - last.ms;
      let limit = Math.min(s.replayUntil, s.horizon);
      for (const sig of s.signals) if (!sig.done && sig.at >= s.clock.ms) limit = Math.min(limit, sig.at);
      const rounds = Math.floor((limit - s.clock.ms) / period) - 1;
      if (rounds > 0) s.clock.ms += rounds * period;
    }
    return { state, ms: s.clock.ms, impure: s.impure, writes: s.writes };
  }

  /** What a loop round can change in the shell besides variables (counted as `writes`), as text. */
  private signature(): string {
    return `${this.status} ${this.jobs.length} ${this.seed} ${this.shared.pending.length} ${this.fds.length} ${this.lastBg}`;
  }

  private *condition(node: Node): ShellGen<number> {
    this.condDepth++;
    try {
      return yield* this.run(node);
    } finally {
      this.condDepth--;
    }
  }

  private *loopBody(body: Node): ShellGen<{ code: number; stop: boolean }> {
    try {
      return { code: yield* this.run(body), stop: false };
    } catch (e) {
      if (!(e instanceof BreakSig)) throw e;
      if (e.n > 1) {
        e.n--;
        throw e;
      }
      return { code: 0, stop: !e.cont };
    }
  }

  subshell(): Shell {
    const sub = new Shell(this.shared, this);
    sub.rootShell = this.root();
    return sub;
  }

  /** Runs `body` as a subshell: `exit` ends only it. */
  *runSub(body: Node): ShellGen<number> {
    try {
      return yield* this.run(body);
    } catch (e) {
      if (e instanceof ExitSig) return e.code;
      if (e instanceof BreakSig || e instanceof ReturnSig) return this.status;
      throw e;
    }
  }

  /** `cmd &`: runs at once on a clock of its own; `wait` waits for its end. */
  private *background(node: Node): ShellGen<number> {
    const s = this.shared;
    const pid = s.nextPid++;
    const sub = this.subshell();
    sub.pid = this.pid;
    // With no job control, a background command's stdin is /dev/null.
    sub.fds[0] = new Input('');
    const saved = s.clock.ms;
    const savedPending = s.pending;
    s.pending = [];
    const savedSignals = s.signals;
    const savedSteps = s.steps;
    // Signals are PID 1's; the job does not see them.
    s.signals = [];
    let job: Job;
    try {
      const code = yield* sub.runSub(node);
      job = { pid, endMs: s.clock.ms, code };
    } catch (e) {
      if (!(e instanceof Stop) || e.end.kind === 'killed') throw e;
      // It runs on past what is simulated; a job that never sleeps gives its steps back.
      if (e.end.kind === 'budget') s.steps = savedSteps;
      job = { pid, endMs: Number.POSITIVE_INFINITY, code: 0 };
    } finally {
      s.clock.ms = saved;
      s.pending = savedPending;
      s.signals = savedSignals;
    }
    this.jobs.push(job);
    this.lastBg = String(pid);
    return 0;
  }

  private *pipeline(cmds: Node[], bang: boolean): ShellGen<number> {
    if (cmds.length === 1) {
      const code = yield* this.run(cmds[0]!);
      return bang ? (code === 0 ? 1 : 0) : code;
    }
    let input: Input | undefined;
    let code = 0;
    for (let k = 0; k < cmds.length; k++) {
      const last = k === cmds.length - 1;
      const sub = this.subshell();
      let buf = '';
      if (input) sub.fds[0] = input;
      if (!last) sub.fds[1] = (t) => (buf += t);
      code = yield* sub.runSub(cmds[k]!);
      input = new Input(buf);
    }
    return bang ? (code === 0 ? 1 : 0) : code;
  }

  // ---- redirections ----

  /** Applies redirections around `body`; a failing one skips it with status 1. */
  private *withRedirs(redirs: Redir[], body: () => ShellGen<number>): ShellGen<number> {
    if (!redirs.length) return yield* body();
    const saved = [...this.fds];
    const ok = yield* this.applyRedirs(redirs);
    if (!ok) {
      this.fds = saved;
      return 1;
    }
    try {
      return yield* body();
    } finally {
      this.fds = saved;
    }
  }

  private resolve(path: string): string {
    if (path.startsWith('/')) return normalize(path);
    return normalize(`${this.cwd}/${path}`);
  }

  /** Opens each redirection into `fds`; false (with ash's message) when one fails. */
  private *applyRedirs(redirs: Redir[]): ShellGen<boolean> {
    const fs = this.shared.opts.fs;
    for (const r of redirs) {
      if (r.op === '<<' || r.op === '<<-') {
        const text = r.doc ? yield* this.expandString(r.doc) : '';
        this.fds[r.fd] = new Input(text);
        continue;
      }
      const target = yield* this.expandString(r.target);
      if (r.op === '>&' || r.op === '<&') {
        if (target === '-') {
          this.fds[r.fd] = undefined;
          continue;
        }
        if (!/^\d+$/.test(target)) {
          if (r.op === '>&' && r.fd === 1) {
            // `>&file`: both streams to the file.
            const sink = this.openWrite(target, false);
            if (!sink) return false;
            this.fds[1] = sink;
            this.fds[2] = sink;
            continue;
          }
          this.complain(`${target}: Bad file descriptor`);
          return false;
        }
        const src = this.fds[Number(target)];
        if (src === undefined) {
          this.complain(`${target}: Bad file descriptor`);
          return false;
        }
        this.fds[r.fd] = src;
        continue;
      }
      if (r.op === '<' || r.op === '<>') {
        if (target === '/dev/null') {
          this.fds[r.fd] = new Input('');
          continue;
        }
        const path = this.resolve(target);
        const text = fs.read(path);
        if (text === null) {
          if (r.op === '<>') {
            const sink = this.openWrite(target, true);
            if (!sink) return false;
            this.fds[r.fd] = new Input('');
            continue;
          }
          this.complain(`can't open ${target}: no such file`);
          return false;
        }
        this.fds[r.fd] = new Input(text);
        continue;
      }
      const sink = this.openWrite(target, r.op === '>>');
      if (!sink) return false;
      this.fds[r.fd] = sink;
    }
    return true;
  }

  private openWrite(target: string, append: boolean): Sink | null {
    const fs = this.shared.opts.fs;
    if (target === '/dev/null') return () => {};
    if (target === '/dev/stdout' || target === '/proc/self/fd/1') return this.sinkOf(1);
    if (target === '/dev/stderr' || target === '/proc/self/fd/2') return this.sinkOf(2);
    const path = this.resolve(target);
    if (fs.isDir(path)) {
      this.complain(`can't create ${target}: Is a directory`);
      return null;
    }
    if (!fs.write(path, '', append)) {
      this.complain(`can't create ${target}: nonexistent directory`);
      return null;
    }
    return (t) => void fs.write(path, t, true);
  }

  private sinkOf(fd: number): Sink {
    const s = this.fds[fd];
    return typeof s === 'function' ? s : () => {};
  }

  // ---- simple commands ----

  private *simple(node: Extract<Node, { t: 'simple' }>): ShellGen<number> {
    if (node.line !== undefined) this.line = node.line;
    const argv: string[] = [];
    this.subStatus = null;
    for (const w of node.words) argv.push(...(yield* this.expandFields(w)));
    const assigns: Array<[string, string]> = [];
    for (const a of node.assigns) assigns.push([a.name, yield* this.expandString(a.value, true)]);
    if (this.options.x) {
      const shown = [...assigns.map(([k, v]) => `${k}=${quoteForTrace(v)}`), ...argv.map(quoteForTrace)];
      if (shown.length) this.write(2, `+ ${shown.join(' ')}\n`);
    }
    if (!argv.length) {
      const saved = [...this.fds];
      const ok = yield* this.applyRedirs(node.redirs);
      this.fds = saved;
      if (!ok) return 1;
      for (const [k, v] of assigns) if (!this.assign(k, v)) throw new ExitSig(2);
      return this.subStatus ?? 0;
    }
    const name = argv[0]!;
    if (SPECIAL.has(name)) {
      const saved = [...this.fds];
      const ok = yield* this.applyRedirs(node.redirs);
      if (!ok) {
        this.fds = saved;
        throw new ExitSig(1);
      }
      try {
        for (const [k, v] of assigns) if (!this.assign(k, v)) throw new ExitSig(2);
        return yield* this.builtin(argv);
      } finally {
        if (name !== 'exec' || argv.length > 1) this.fds = saved;
      }
    }
    return yield* this.withRedirs(node.redirs, () => this.command(argv, assigns));
  }

  /** `$?` of the last command substitution in the words being expanded (for `x=$(false)`). */
  private subStatus: number | null = null;

  /** Runs a command by name: a function, a builtin, or a program. */
  private *command(argv: string[], assigns: Array<[string, string]>): ShellGen<number> {
    const name = argv[0]!;
    const fn = this.functions.get(name);
    if (fn) return yield* this.callFunction(fn, argv, assigns);
    if (BUILTINS.has(name)) {
      const saved = assigns.map(([k]) => [k, this.vars.get(k)] as const);
      for (const [k, v] of assigns) this.assign(k, v);
      try {
        return yield* this.builtin(argv);
      } finally {
        for (const [k, v] of saved) {
          if (v) this.vars.set(k, v);
          else this.vars.delete(k);
        }
      }
    }
    return yield* this.program(argv, assigns);
  }

  private *program(argv: string[], assigns: Array<[string, string]>, last = this.atEnd): ShellGen<number> {
    const env = this.environment(assigns);
    const stdin = this.fds[0];
    let text: string | undefined;
    const readStdin = () => {
      this.shared.impure++;
      text ??= stdin instanceof Input ? stdin.rest() : '';
      return text;
    };
    const outcome: ExecOutcome = yield {
      argv,
      env,
      cwd: this.cwd,
      readStdin,
      out: this.sinkOf(1),
      err: this.sinkOf(2),
      last: last && this.isMain && !this.hasTraps(),
    };
    if (!outcome.pure) this.shared.impure++;
    if (outcome.ms) this.advance(outcome.ms);
    return outcome.code;
  }

  private hasTraps(): boolean {
    for (const v of this.mainTraps().values()) if (v !== '') return true;
    return false;
  }

  private envCache: { writes: number; env: string[] } | null = null;

  /** The environment of a program: exported variables, then the command's assignments. */
  private environment(assigns: Array<[string, string]>): string[] {
    if (!assigns.length && this.envCache?.writes === this.shared.writes) return this.envCache.env;
    const env = this.exportedEnv(assigns);
    if (!assigns.length) this.envCache = { writes: this.shared.writes, env };
    return env;
  }

  private exportedEnv(assigns: Array<[string, string]>): string[] {
    const out: string[] = [];
    const names = new Set(assigns.map(([k]) => k));
    for (const [k, v] of this.vars) {
      if (v.exported && v.value !== undefined && !names.has(k)) out.push(`${k}=${v.value}`);
    }
    for (const [k, v] of assigns) out.push(`${k}=${v}`);
    return out;
  }

  private *callFunction(body: Node, argv: string[], assigns: Array<[string, string]>): ShellGen<number> {
    const savedPos = this.positional;
    const savedVars = assigns.map(([k]) => [k, this.vars.get(k)] as const);
    for (const [k, v] of assigns) this.assign(k, v);
    this.positional = argv.slice(1);
    this.funcDepth++;
    this.locals.push(new Map());
    const atEnd = this.atEnd;
    this.atEnd = false;
    try {
      return yield* this.run(body);
    } catch (e) {
      if (e instanceof ReturnSig) return e.code;
      throw e;
    } finally {
      this.atEnd = atEnd;
      const locals = this.locals.pop()!;
      for (const [k, v] of locals) {
        if (v) this.vars.set(k, v);
        else this.vars.delete(k);
      }
      this.funcDepth--;
      this.positional = savedPos;
      for (const [k, v] of savedVars) {
        if (v) this.vars.set(k, v);
        else this.vars.delete(k);
      }
    }
  }

  // ---- variables ----

  getVar(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(this.pid);
      case '#':
        return String(this.positional.length);
      case '!':
        return this.lastBg;
      case '-':
        return Object.entries(this.options)
          .filter(([, on]) => on)
          .map(([k]) => k)
          .join('');
      case '0':
        return this.arg0;
      case '@':
      case '*':
        return this.positional.join(' ');
      case 'RANDOM':
        if (!this.vars.has('RANDOM')) return String(this.random());
    }
    if (/^[1-9][0-9]*$/.test(name)) return this.positional[Number(name) - 1];
    return this.vars.get(name)?.value;
  }

  private seed = 12345;
  private random(): number {
    this.seed = (this.seed * 1103515245 + 12345) & 0x7fffffff;
    return this.seed % 32768;
  }

  /** Sets a variable; false (with ash's message) when it is read-only. */
  assign(name: string, value: string): boolean {
    this.shared.writes++;
    const v = this.vars.get(name);
    if (v?.readonly) {
      this.complain(`${name}: is read only`);
      return false;
    }
    if (v) v.value = value;
    else this.vars.set(name, { value, exported: false });
    return true;
  }

  setVar(name: string, value: string): void {
    if (!this.assign(name, value)) throw new ExitSig(2);
  }

  // ---- expansion ----

  /** Expands a word into fields: split, globbed. */
  *expandFields(word: Word): ShellGen<string[]> {
    const fields = yield* this.expandToSegs(word, true);
    const out: string[] = [];
    for (const segs of fields) {
      if (!this.options.f && hasGlob(segs)) {
        const matches = this.glob(segs);
        if (matches.length) {
          out.push(...matches);
          continue;
        }
      }
      out.push(segs.map((s) => s.text).join(''));
    }
    return out;
  }

  /** Expands a word into one string (assignments, redirection targets, `case` words). */
  *expandString(word: Word, assignment = false): ShellGen<string> {
    const fields = yield* this.expandToSegs(word, false, assignment);
    return fields.map((segs) => segs.map((s) => s.text).join('')).join(' ');
  }

  /** Expands a pattern: the segments keep their quoting, so quoted `*` matches itself. */
  *expandSegs(word: Word): ShellGen<Seg[]> {
    const fields = yield* this.expandToSegs(word, false);
    return fields.flat();
  }

  private *expandToSegs(word: Word, split: boolean, assignment = false): ShellGen<Seg[][]> {
    const acc = new FieldAcc(split ? this.ifs() : null);
    // `"$@"` with no parameters is no field at all, even inside its quotes.
    if (
      split &&
      !this.positional.length &&
      word.some((p) => p.k === 'param' && p.name === '@' && p.quoted && !p.op) &&
      word.every((p) => (p.k === 'lit' && p.quoted && p.text === '') || (p.k === 'param' && p.name === '@'))
    )
      return [];
    for (let k = 0; k < word.length; k++) {
      const part = word[k]!;
      if (part.k === 'lit') {
        let text = part.text;
        if (!part.quoted && k === 0 && text.startsWith('~')) text = this.tilde(text, assignment);
        acc.lit(text, part.quoted);
        continue;
      }
      if (part.k === 'param' && (part.name === '@' || part.name === '*') && !part.op) {
        const ps = this.positional;
        if (part.quoted && part.name === '@') {
          acc.fields(ps);
          continue;
        }
        if (part.quoted) {
          acc.lit(ps.join((this.ifs() ?? ' ').slice(0, 1)), true);
          continue;
        }
        for (let i = 0; i < ps.length; i++) {
          if (i > 0) acc.boundary();
          acc.split(ps[i]!);
        }
        continue;
      }
      const value = yield* this.expandPart(part);
      if (part.quoted || !split) acc.lit(value, true);
      else acc.split(value);
    }
    return acc.done(!split);
  }

  private ifs(): string | null {
    const v = this.vars.get('IFS');
    if (!v || v.value === undefined) return ' \t\n';
    return v.value;
  }

  private tilde(text: string, _assignment: boolean): string {
    const m = /^~([^/]*)/.exec(text)!;
    if (m[1] === '') return (this.getVar('HOME') ?? '') + text.slice(1);
    if (m[1] === 'root') return `/root${text.slice(m[0].length)}`;
    return text;
  }

  private *expandPart(part: Exclude<WordPart, { k: 'lit' }>): ShellGen<string> {
    if (part.k === 'cmd') return yield* this.substitute(part.body);
    if (part.k === 'arith') {
      const text = yield* this.expandString(part.expr);
      return String(this.arith(text));
    }
    return yield* this.param(part);
  }

  arith(text: string): bigint {
    try {
      return evalArith(text, {
        get: (n) => this.getVar(n),
        set: (n, v) => this.setVar(n, v),
      });
    } catch (e) {
      if (e instanceof ArithError) {
        this.complain(e.message);
        throw new ExitSig(2);
      }
      throw e;
    }
  }

  private *param(part: Extract<WordPart, { k: 'param' }>): ShellGen<string> {
    const name = part.name;
    const value = this.getVar(name);
    const op = part.op;
    const unsetCheck = () => {
      if (value === undefined && this.options.u && !['@', '*'].includes(name)) {
        this.complain(`${name}: parameter not set`);
        throw new ExitSig(2);
      }
    };
    if (!op) {
      unsetCheck();
      return value ?? '';
    }
    const arg = () => this.expandString(part.arg ?? []);
    switch (op) {
      case 'len':
        unsetCheck();
        return String([...(value ?? '')].length);
      case '-':
      case ':-':
        if (value === undefined || (op === ':-' && value === '')) return yield* arg();
        return value;
      case '=':
      case ':=':
        if (value === undefined || (op === ':=' && value === '')) {
          const v = yield* arg();
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
            this.complain(`${name}: bad variable name`);
            throw new ExitSig(2);
          }
          this.setVar(name, v);
          return v;
        }
        return value;
      case '?':
      case ':?':
        if (value === undefined || (op === ':?' && value === '')) {
          const msg = yield* arg();
          this.complain(
            `${name}: ${msg || (op === ':?' ? 'parameter not set or null' : 'parameter not set')}`,
          );
          throw new ExitSig(2);
        }
        return value;
      case '+':
      case ':+':
        if (value === undefined || (op === ':+' && value === '')) return '';
        return yield* arg();
      case '%':
      case '%%':
      case '#':
      case '##': {
        unsetCheck();
        const segs = yield* this.expandSegs(part.arg ?? []);
        return trimPattern(value ?? '', segs, op.startsWith('#') ? 'prefix' : 'suffix', op.length === 2);
      }
      case '/':
      case '//': {
        unsetCheck();
        const segs = yield* this.expandSegs(part.arg ?? []);
        const rep = yield* this.expandString(part.arg2 ?? []);
        return replacePattern(value ?? '', segs, rep, op === '//');
      }
      case 'substr': {
        unsetCheck();
        const v = value ?? '';
        let off = Number(this.arith(yield* arg()));
        if (off < 0) off = Math.max(0, v.length + off);
        if (part.arg2 === undefined) return v.slice(off);
        let len = Number(this.arith(yield* this.expandString(part.arg2)));
        if (len < 0) len = Math.max(0, v.length - off + len);
        return v.slice(off, off + len);
      }
    }
    return value ?? '';
  }

  /** `$(...)`: runs in a subshell; its output without trailing newlines. */
  private *substitute(body: Node): ShellGen<string> {
    const sub = this.subshell();
    let out = '';
    sub.fds[1] = (t) => (out += t);
    const code = yield* sub.runSub(body);
    this.status = code;
    this.subStatus = code;
    return out.replace(/\n+$/, '');
  }

  private glob(segs: Seg[]): string[] {
    const fs = this.shared.opts.fs;
    const text = segs.map((s) => s.text).join('');
    const absolute = text.startsWith('/');
    // Split the pattern into path components, keeping each one's segments.
    const comps: Seg[][] = [[]];
    for (const s of segs) {
      const pieces = s.text.split('/');
      pieces.forEach((p, i) => {
        if (i > 0) comps.push([]);
        if (p) comps[comps.length - 1]!.push({ text: p, q: s.q });
      });
    }
    if (absolute) comps.shift();
    let paths: string[] = [absolute ? '/' : ''];
    for (let i = 0; i < comps.length; i++) {
      const comp = comps[i]!;
      const next: string[] = [];
      for (const base of paths) {
        const dir = base === '' ? this.cwd : base;
        if (!hasGlob(comp)) {
          const name = comp.map((s) => s.text).join('');
          const path = base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`;
          if (i === comps.length - 1 || fs.isDir(this.resolve(path))) next.push(path);
          continue;
        }
        const names = fs.list(this.resolve(dir));
        if (!names) continue;
        let re: RegExp;
        try {
          re = new RegExp(`^${patternSource(comp, true)}$`);
        } catch {
          continue;
        }
        const dot = comp[0] && !comp[0].q && comp[0].text.startsWith('.');
        for (const n of [...names].sort()) {
          if (n.startsWith('.') && !dot) continue;
          if (!re.test(n)) continue;
          next.push(base === '' ? n : base.endsWith('/') ? base + n : `${base}/${n}`);
        }
      }
      paths = next;
      if (!paths.length) return [];
    }
    return paths;
  }

  // ---- builtins ----

  private *builtin(argv: string[]): ShellGen<number> {
    const name = argv[0]!;
    // Builtins that change the shell (not echo, test, printf...) make a loop round not repeat.
    if (!['echo', 'printf', 'test', '[', ':', 'true', 'false', 'pwd'].includes(name)) this.shared.writes++;
    const args = argv.slice(1);
    switch (name) {
      case ':':
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'echo':
        return this.echo(args);
      case 'printf':
        return this.printf(args);
      case 'test':
      case '[':
      case '[[':
        return this.test(name, args);
      case 'getopts':
        return this.getopts(args);
      case 'pwd':
        this.write(1, `${this.cwd}\n`);
        return 0;
      case 'cd':
        return this.cd(args);
      case 'export':
      case 'readonly':
        return this.exportBuiltin(name, args);
      case 'unset':
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          if (args.includes('-f')) this.functions.delete(a);
          else if (this.vars.get(a)?.readonly) {
            this.complain(`${a}: is read only`);
            return 1;
          } else this.vars.delete(a);
        }
        return 0;
      case 'local':
        return this.local(args);
      case 'set':
        return this.set(args);
      case 'shift': {
        const n = args[0] === undefined ? 1 : this.number('shift', args[0]);
        if (n > this.positional.length) return 1;
        this.positional = this.positional.slice(n);
        return 0;
      }
      case 'exit': {
        const code = args[0] === undefined ? this.status : this.number('exit', args[0]) & 255;
        throw new ExitSig(code);
      }
      case 'return': {
        const code = args[0] === undefined ? this.status : this.number('return', args[0]) & 255;
        if (this.funcDepth === 0) throw new ExitSig(code);
        throw new ReturnSig(code);
      }
      case 'break':
      case 'continue': {
        const n = args[0] === undefined ? 1 : this.number(name, args[0]);
        if (n < 1) {
          this.builtinError(name, `Illegal number: ${args[0]}`);
          throw new ExitSig(2);
        }
        if (this.loopDepth === 0) return 0;
        throw new BreakSig(Math.min(n, this.loopDepth), name === 'continue');
      }
      case 'eval':
        return args.length ? yield* this.evalText(args.join(' ')) : 0;
      case '.':
      case 'source': {
        if (!args[0]) return 0;
        const text = this.shared.opts.fs.read(this.resolve(args[0]));
        if (text === null) {
          this.complain(`.: line ${this.line}: can't open '${args[0]}'`);
          throw new ExitSig(2);
        }
        return yield* this.runScript(text, false);
      }
      case 'exec':
        if (!args.length) return 0;
        {
          const code = yield* this.program(args, [], true);
          throw new ExitSig(code);
        }
      case 'trap':
        return this.trap(args);
      case 'wait':
        return this.wait(args);
      case 'read':
        return this.read(args);
      case 'kill':
        return yield* this.kill(args);
      case 'let': {
        let v = 0n;
        for (const a of args) v = this.arith(a);
        return v === 0n ? 1 : 0;
      }
      case 'type':
      case 'command':
        return yield* this.typeBuiltin(name, args);
      case 'umask':
        this.write(1, '0022\n');
        return 0;
    }
    return 0;
  }

  private number(name: string, text: string): number {
    if (!/^[0-9]+$/.test(text)) {
      this.builtinError(name, `Illegal number: ${text}`);
      throw new ExitSig(2);
    }
    return Number(text);
  }

  private echo(args: string[]): number {
    let newline = true;
    let escapes = false;
    let k = 0;
    for (; k < args.length; k++) {
      const a = args[k]!;
      if (!/^-[neE]+$/.test(a)) break;
      for (const c of a.slice(1)) {
        if (c === 'n') newline = false;
        else if (c === 'e') escapes = true;
        else escapes = false;
      }
    }
    let text = args.slice(k).join(' ');
    if (escapes) {
      const r = backslashEscapes(text, true);
      text = r.text;
      if (r.stop) newline = false;
    }
    this.write(1, text + (newline ? '\n' : ''));
    return 0;
  }

  private printf(args: string[]): number {
    if (!args.length) {
      this.write(2, 'printf: usage: printf FORMAT [ARGUMENT...]\n');
      return 2;
    }
    const fmt = args[0]!;
    const vals = args.slice(1);
    let out = '';
    let code = 0;
    let used = 0;
    do {
      const start = used;
      let stop = false;
      out += fmt.replace(
        /%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?([sdiouxXcfeEgGb%])|\\(?:[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/g,
        (m, flags, width, prec, conv) => {
          if (stop) return '';
          if (m.startsWith('\\')) {
            const r = backslashEscapes(m, false);
            return r.text;
          }
          if (conv === '%') return '%';
          if (width === '*') width = vals[used++] ?? '0';
          if (prec === '*') prec = vals[used++] ?? '0';
          const arg = vals[used++];
          let s: string;
          switch (conv) {
            case 's':
              s = arg ?? '';
              if (prec !== undefined) s = s.slice(0, Number(prec));
              break;
            case 'b': {
              const r = backslashEscapes(arg ?? '', true);
              s = r.text;
              if (r.stop) stop = true;
              break;
            }
            case 'c':
              s = (arg ?? '').slice(0, 1);
              break;
            case 'd':
            case 'i':
            case 'o':
            case 'u':
            case 'x':
            case 'X': {
              let n = 0n;
              const a = (arg ?? '').trim();
              if (a !== '') {
                const m2 = /^[+-]?(0x[0-9a-fA-F]+|[0-9]+)$/.exec(a);
                if (/^'./.test(a) || /^"./.test(a)) n = BigInt(a.codePointAt(1)!);
                else if (m2) n = BigInt(a.replace(/^\+/, ''));
                else {
                  this.write(2, `sh: invalid number '${a}'\n`);
                  code = 1;
                }
              }
              if (conv === 'o') s = n.toString(8);
              else if (conv === 'x') s = BigInt.asUintN(64, n).toString(16);
              else if (conv === 'X') s = BigInt.asUintN(64, n).toString(16).toUpperCase();
              else if (conv === 'u') s = BigInt.asUintN(64, n).toString();
              else s = n.toString();
              if (prec !== undefined) {
                const neg = s.startsWith('-');
                s = (neg ? '-' : '') + s.replace('-', '').padStart(Number(prec), '0');
              }
              if (flags.includes('+') && !s.startsWith('-') && (conv === 'd' || conv === 'i')) s = `+${s}`;
              break;
            }
            default: {
              const n = Number(arg ?? '0');
              const p = prec === undefined ? 6 : Number(prec);
              if (Number.isNaN(n)) {
                this.write(2, `sh: invalid number '${arg}'\n`);
                code = 1;
              }
              const v = Number.isNaN(n) ? 0 : n;
              s = conv === 'f' ? v.toFixed(p) : conv === 'e' || conv === 'E' ? v.toExponential(p) : String(v);
              if (conv === 'E') s = s.toUpperCase();
            }
          }
          const w = width === undefined ? 0 : Number(width);
          if (s.length < w) {
            if (flags.includes('-')) s = s.padEnd(w);
            else if (flags.includes('0') && /[diouxXfeE]/.test(conv)) {
              const neg = s.startsWith('-');
              s = (neg ? '-' : '') + s.replace(/^-/, '').padStart(w - (neg ? 1 : 0), '0');
            } else s = s.padStart(w);
          }
          return s;
        },
      );
      if (stop || used === start) break;
    } while (used < vals.length);
    this.write(1, out);
    return code;
  }

  private test(name: string, argsIn: string[]): number {
    let args = argsIn;
    if (name === '[' || name === '[[') {
      const close = name === '[' ? ']' : ']]';
      if (args[args.length - 1] !== close) {
        this.complain(`missing ${close}`);
        return 2;
      }
      args = args.slice(0, -1);
      if (name === '[[') args = args.map((a) => (a === '&&' ? '-a' : a === '||' ? '-o' : a));
    }
    const fs = this.shared.opts.fs;
    let pos = 0;
    const fail = (msg: string): never => {
      this.complain(msg);
      throw new TestError();
    };
    const num = (s: string): bigint => {
      const t = s.trim();
      if (!/^[+-]?[0-9]+$/.test(t)) fail(`${s}: bad number`);
      return BigInt(t);
    };
    const unary = (op: string, a: string): boolean => {
      const p = this.resolve(a);
      switch (op) {
        case '-z':
          return a === '';
        case '-n':
          return a !== '';
        case '-e':
        case '-a':
          return a !== '' && (fs.read(p) !== null || fs.isDir(p));
        case '-f':
          return a !== '' && fs.read(p) !== null && !fs.isDir(p);
        case '-d':
          return a !== '' && fs.isDir(p);
        case '-s':
          return (fs.read(p) ?? '') !== '';
        case '-r':
        case '-w':
        case '-x':
          return a !== '' && (fs.read(p) !== null || fs.isDir(p));
        case '-h':
        case '-L':
        case '-b':
        case '-c':
        case '-p':
        case '-S':
        case '-t':
        case '-u':
        case '-g':
        case '-k':
        case '-O':
        case '-G':
          return false;
      }
      return fail(`${op}: unknown operand`);
    };
    const UNARY = /^-[znearfdswxhLbcpStugkOG]$/;
    const BINARY = new Set([
      '=',
      '==',
      '!=',
      '-eq',
      '-ne',
      '-lt',
      '-le',
      '-gt',
      '-ge',
      '<',
      '>',
      '-nt',
      '-ot',
      '-ef',
    ]);
    const binary = (a: string, op: string, b: string): boolean => {
      switch (op) {
        case '=':
        case '==':
          return a === b;
        case '!=':
          return a !== b;
        case '<':
          return a < b;
        case '>':
          return a > b;
        case '-eq':
          return num(a) === num(b);
        case '-ne':
          return num(a) !== num(b);
        case '-lt':
          return num(a) < num(b);
        case '-le':
          return num(a) <= num(b);
        case '-gt':
          return num(a) > num(b);
        case '-ge':
          return num(a) >= num(b);
      }
      return false;
    };
    const primary = (): boolean => {
      const a = args[pos];
      if (a === undefined) return fail('argument expected');
      if (a === '!') {
        pos++;
        return !primary();
      }
      if (a === '(' && args.length - pos > 2) {
        pos++;
        const v = orExpr();
        if (args[pos] !== ')') fail('missing )');
        pos++;
        return v;
      }
      const op = args[pos + 1];
      if (op !== undefined && BINARY.has(op)) {
        const b = args[pos + 2];
        if (b === undefined) fail(`${op}: argument expected`);
        pos += 3;
        return binary(a, op, b!);
      }
      if (UNARY.test(a) && pos + 1 < args.length) {
        pos += 2;
        return unary(a, args[pos - 1]!);
      }
      pos++;
      return a !== '';
    };
    const andExpr = (): boolean => {
      let v = primary();
      while (args[pos] === '-a') {
        pos++;
        const r = primary();
        v = v && r;
      }
      return v;
    };
    const orExpr = (): boolean => {
      let v = andExpr();
      while (args[pos] === '-o') {
        pos++;
        const r = andExpr();
        v = v || r;
      }
      return v;
    };
    try {
      if (!args.length) return 1;
      // POSIX rules by argument count come first.
      if (args.length === 1) return args[0] !== '' ? 0 : 1;
      if (args.length === 2 && args[0] === '!') return args[1] !== '' ? 1 : 0;
      if (args.length === 2 && !UNARY.test(args[0]!))
        fail(BINARY.has(args[1]!) ? `${args[1]}: argument expected` : `${args[1]}: unknown operand`);
      const v = orExpr();
      if (pos < args.length) fail(`${args[pos]}: unknown operand`);
      return v ? 0 : 1;
    } catch (e) {
      if (e instanceof TestError) return 2;
      throw e;
    }
  }

  /** `getopts OPTSTRING NAME [ARGS...]`, with OPTIND and OPTARG, as busybox words its errors. */
  private getopts(args: string[]): number {
    const [spec, name, ...given] = args;
    if (spec === undefined || name === undefined) {
      this.builtinError('getopts', 'usage: getopts optstring var [arg]');
      return 2;
    }
    const argv = given.length ? given : this.positional;
    const silent = spec.startsWith(':');
    let ind = Number(this.getVar('OPTIND') ?? '1') || 1;
    if (this.optState?.ind !== ind) this.optState = { ind, pos: 1 };
    const arg = argv[ind - 1];
    const done = () => {
      this.setVar(name, '?');
      this.vars.delete('OPTARG');
      return 1;
    };
    if (arg === undefined || !arg.startsWith('-') || arg === '-') return done();
    if (arg === '--') {
      this.setVar('OPTIND', String(ind + 1));
      return done();
    }
    const ch = arg[this.optState.pos]!;
    let next = this.optState.pos + 1;
    const at = spec.indexOf(ch);
    const advance = () => {
      if (next >= arg.length) {
        ind++;
        next = 1;
      }
      this.optState = { ind, pos: next };
      this.setVar('OPTIND', String(ind));
    };
    if (at < 0 || ch === ':') {
      if (silent) this.setVar('OPTARG', ch);
      else {
        this.write(2, `Illegal option -${ch}\n`);
        this.vars.delete('OPTARG');
      }
      this.setVar(name, '?');
      advance();
      return 0;
    }
    if (spec[at + 1] === ':') {
      let value: string | undefined;
      if (next < arg.length) value = arg.slice(next);
      else {
        value = argv[ind];
        if (value !== undefined) ind++;
      }
      next = arg.length;
      if (value === undefined) {
        if (silent) {
          this.setVar(name, ':');
          this.setVar('OPTARG', ch);
        } else {
          this.write(2, `No arg for -${ch} option\n`);
          this.setVar(name, '?');
          this.vars.delete('OPTARG');
        }
        advance();
        return 0;
      }
      this.setVar('OPTARG', value);
    } else this.vars.delete('OPTARG');
    this.setVar(name, ch);
    advance();
    return 0;
  }

  private optState: { ind: number; pos: number } | undefined;

  private cd(args: string[]): number {
    const fs = this.shared.opts.fs;
    let target = args.find((a) => a !== '-P' && a !== '-L');
    if (target === undefined) target = this.getVar('HOME') ?? '/';
    if (target === '-') target = this.getVar('OLDPWD') ?? this.cwd;
    const dir = this.resolve(target);
    if (!fs.isDir(dir)) {
      this.builtinError('cd', `can't cd to ${target}: No such file or directory`);
      return 2;
    }
    this.setVar('OLDPWD', this.cwd);
    this.cwd = dir;
    this.setVar('PWD', dir);
    return 0;
  }

  private exportBuiltin(name: string, args: string[]): number {
    const list = args.filter((a) => a !== '-p');
    if (!list.length) {
      const lines = [...this.vars.entries()]
        .filter(([, v]) => (name === 'export' ? v.exported : v.readonly))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${name} ${k}${v.value === undefined ? '' : `=${shellQuote(v.value)}`}\n`);
      this.write(1, lines.join(''));
      return 0;
    }
    for (const a of list) {
      const eq = a.indexOf('=');
      const key = eq >= 0 ? a.slice(0, eq) : a;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
        this.builtinError(name, `${key}: bad variable name`);
        throw new ExitSig(2);
      }
      if (eq >= 0) this.setVar(key, a.slice(eq + 1));
      const v = this.vars.get(key) ?? { value: undefined, exported: false };
      if (name === 'export') v.exported = true;
      else v.readonly = true;
      this.vars.set(key, v);
    }
    return 0;
  }

  private local(args: string[]): number {
    if (this.funcDepth === 0 || !this.locals.length) {
      this.builtinError('local', 'not in a function');
      throw new ExitSig(2);
    }
    const frame = this.locals[this.locals.length - 1]!;
    for (const a of args) {
      const eq = a.indexOf('=');
      const key = eq >= 0 ? a.slice(0, eq) : a;
      if (!frame.has(key)) {
        const old = this.vars.get(key);
        frame.set(key, old ? { ...old } : undefined);
      }
      if (eq >= 0) this.setVar(key, a.slice(eq + 1));
      else if (!this.vars.has(key)) this.vars.set(key, { value: undefined, exported: false });
    }
    return 0;
  }

  private set(args: string[]): number {
    if (!args.length) {
      const lines = [...this.vars.entries()]
        .filter(([, v]) => v.value !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${shellQuote(v.value!)}\n`);
      this.write(1, lines.join(''));
      return 0;
    }
    let k = 0;
    for (; k < args.length; k++) {
      const a = args[k]!;
      if (a === '--') {
        k++;
        this.positional = args.slice(k);
        return 0;
      }
      if (!/^[-+][a-zA-Z]+$/.test(a) && a !== '-o' && a !== '+o') break;
      if (a === '-o' || a === '+o') {
        const opt = args[++k];
        if (opt === 'errexit') this.options.e = a === '-o';
        else if (opt === 'nounset') this.options.u = a === '-o';
        else if (opt === 'xtrace') this.options.x = a === '-o';
        continue;
      }
      const on = a[0] === '-';
      for (const c of a.slice(1)) {
        if (c in this.options) (this.options as Record<string, boolean>)[c] = on;
      }
    }
    if (k < args.length) this.positional = args.slice(k);
    return 0;
  }

  private trap(args: string[]): number {
    if (!args.length) {
      for (const [sig, action] of this.traps) this.write(1, `trap -- ${shellQuote(action)} ${sig}\n`);
      return 0;
    }
    if (args[0] === '-l') {
      this.write(1, listSignals());
      return 0;
    }
    let action: string | null = args[0]!;
    let sigs = args.slice(1);
    if (args.length === 1 || /^\d+$/.test(action)) {
      // `trap SIG...` (a number first) resets.
      sigs = args[0] === '-' ? args.slice(1) : args;
      action = null;
    } else if (action === '-') action = null;
    let code = 0;
    for (const spec of sigs) {
      const sig = signalName(spec);
      if (!sig) {
        this.builtinError('trap', `${spec}: invalid signal specification`);
        code = 1;
        continue;
      }
      if (action === null) this.traps.delete(sig);
      else this.traps.set(sig, action);
    }
    return code;
  }

  private wait(args: string[]): number {
    const jobs = args.length ? this.jobs.filter((j) => args.includes(String(j.pid))) : this.jobs;
    if (args.length && !jobs.length) return 127;
    const end = Math.max(this.shared.clock.ms, ...jobs.map((j) => j.endMs));
    const ms = end - this.shared.clock.ms;
    if (ms > 0) {
      const r = this.advance(ms, this.isMain);
      if (r.interrupted) return 128 + (SIGNALS[this.shared.pending[0] ?? 'TERM'] ?? 15);
    }
    const last = jobs[jobs.length - 1];
    this.jobs = this.jobs.filter((j) => !jobs.includes(j));
    return args.length && last ? last.code : 0;
  }

  private read(argsIn: string[]): number {
    let raw = false;
    const names: string[] = [];
    for (let k = 0; k < argsIn.length; k++) {
      const a = argsIn[k]!;
      if (a === '-r') raw = true;
      else if (a === '-p') {
        this.write(2, argsIn[++k] ?? '');
      } else if (a === '-t' || a === '-n' || a === '-u') k++;
      else names.push(a);
    }
    if (!names.length) names.push('REPLY');
    const input = this.fds[0];
    this.shared.impure++;
    if (!(input instanceof Input)) return 1;
    let got = input.line();
    if (!got) {
      for (const n of names) this.setVar(n, '');
      return 1;
    }
    let line = got.text;
    if (!raw) {
      while (line.endsWith('\\') && got?.complete) {
        got = input.line();
        line = line.slice(0, -1) + (got?.text ?? '');
      }
      line = line.replace(/\\(.)/g, '$1');
    }
    const ifs = this.ifs() ?? ' \t\n';
    const ws = ifs.replace(/[^ \t\n]/g, '');
    const isWs = (c: string) => ws.includes(c);
    const isDelim = (c: string) => ifs.includes(c);
    let i = 0;
    while (i < line.length && isWs(line[i]!)) i++;
    for (let n = 0; n < names.length; n++) {
      if (n === names.length - 1) {
        let rest = line.slice(i);
        let end = rest.length;
        while (end > 0 && isWs(rest[end - 1]!)) end--;
        rest = rest.slice(0, end);
        this.setVar(names[n]!, rest);
        break;
      }
      let j = i;
      while (j < line.length && !isDelim(line[j]!)) j++;
      this.setVar(names[n]!, line.slice(i, j));
      i = j;
      while (i < line.length && isWs(line[i]!)) i++;
      if (i < line.length && isDelim(line[i]!) && !isWs(line[i]!)) {
        i++;
        while (i < line.length && isWs(line[i]!)) i++;
      }
    }
    return got?.complete ? 0 : 1;
  }

  private *kill(args: string[]): ShellGen<number> {
    if (args[0] === '-l') {
      this.write(1, listSignals());
      return 0;
    }
    let sig = 'TERM';
    let k = 0;
    if (args[0] === '-s') {
      sig = signalName(args[1] ?? '') ?? '';
      k = 2;
    } else if (args[0]?.startsWith('-') && args[0] !== '--') {
      sig = signalName(args[0].slice(1)) ?? '';
      k = 1;
    }
    if (!sig) {
      this.complain(`bad signal name '${args[0]}'`);
      return 1;
    }
    const pids = args.slice(k);
    if (!pids.length) {
      this.complain('you need to specify whom to kill');
      return 1;
    }
    let code = 0;
    for (const p of pids) {
      if (p === String(this.pid) && this.isMain) {
        if (sig === 'KILL') throw new Stop({ kind: 'killed', at: this.shared.clock.ms });
        const trap = this.traps.get(sig);
        if (trap) this.shared.pending.push(sig);
        continue;
      }
      const job = this.jobs.find((j) => String(j.pid) === p);
      if (job && job.endMs > this.shared.clock.ms) {
        job.endMs = this.shared.clock.ms;
        job.code = 128 + (SIGNALS[sig] ?? 15);
        continue;
      }
      this.complain(`can't kill pid ${p}: No such process`);
      code = 1;
    }
    yield* this.runTraps();
    return code;
  }

  private *typeBuiltin(name: string, args: string[]): ShellGen<number> {
    if (name === 'command') {
      if (args[0] === '-v' || args[0] === '-V') {
        const n = args[1];
        if (!n) return 0;
        if (this.functions.has(n) || BUILTINS.has(n)) {
          this.write(1, `${n}\n`);
          return 0;
        }
        this.write(1, `${n.includes('/') ? n : `/bin/${n}`}\n`);
        return 0;
      }
      if (!args.length) return 0;
      if (BUILTINS.has(args[0]!)) return yield* this.builtin(args);
      return yield* this.program(args, []);
    }
    let code = 0;
    for (const n of args) {
      if (this.functions.has(n)) this.write(1, `${n} is a function\n`);
      else if (
        [
          'if',
          'then',
          'else',
          'elif',
          'fi',
          'while',
          'until',
          'do',
          'done',
          'for',
          'case',
          'esac',
          '{',
          '}',
          '!',
          'in',
        ].includes(n)
      )
        this.write(1, `${n} is a shell keyword\n`);
      else if (SPECIAL.has(n)) this.write(1, `${n} is a special shell builtin\n`);
      else if (BUILTINS.has(n)) this.write(1, `${n} is a shell builtin\n`);
      else {
        this.write(1, `${n}: not found\n`);
        code = 127;
      }
    }
    return code;
  }
}

class TestError {}

/** Where a loop round started: the shell's state, the clock and the counters of what it did. */
interface LoopMark {
  state: string;
  ms: number;
  impure: number;
  writes: number;
}

/** Accumulates expanded text into fields, splitting unquoted expansions on IFS. */
class FieldAcc {
  private out: Seg[][] = [];
  private cur: Seg[] = [];
  private has = false;
  constructor(private readonly ifs: string | null) {}

  lit(text: string, quoted: boolean): void {
    this.cur.push({ text, q: quoted });
    if (quoted || text !== '') this.has = true;
  }

  boundary(): void {
    if (this.has) this.out.push(this.cur);
    this.cur = [];
    this.has = false;
  }

  /** `"$@"`: each parameter a field, the first and last joined to the text around. */
  fields(values: string[]): void {
    values.forEach((v, i) => {
      if (i > 0) this.boundary();
      this.lit(v, true);
    });
  }

  split(value: string): void {
    const ifs = this.ifs;
    if (ifs === null || ifs === '') {
      if (value !== '') this.lit(value, false);
      return;
    }
    const isWs = (c: string) => (c === ' ' || c === '\t' || c === '\n') && ifs.includes(c);
    const isNw = (c: string) => ifs.includes(c) && !isWs(c);
    let i = 0;
    let text = '';
    const flushText = () => {
      if (text) this.lit(text, false);
      text = '';
    };
    while (i < value.length) {
      const c = value[i]!;
      if (isWs(c)) {
        flushText();
        while (i < value.length && isWs(value[i]!)) i++;
        if (i < value.length && isNw(value[i]!)) {
          this.forceBoundary();
          i++;
          while (i < value.length && isWs(value[i]!)) i++;
        } else this.boundary();
        continue;
      }
      if (isNw(c)) {
        flushText();
        this.forceBoundary();
        i++;
        while (i < value.length && isWs(value[i]!)) i++;
        continue;
      }
      text += c;
      i++;
    }
    flushText();
  }

  private forceBoundary(): void {
    this.out.push(this.cur);
    this.cur = [];
    this.has = false;
  }

  /** The fields; `keepEmpty`: one (maybe empty) field even when nothing was there. */
  done(keepEmpty: boolean): Seg[][] {
    if (this.has || (keepEmpty && !this.out.length)) this.out.push(this.cur);
    return this.out;
  }
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (!p || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

/** Backslash escapes of `echo -e` and printf; `stop`: a `\c` ended the output. */
function backslashEscapes(text: string, echo: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i]!;
    const map: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '\\': '\\',
      e: '\x1b',
    };
    if (map[n] !== undefined) out += map[n];
    else if (n === 'c') return { text: out, stop: true };
    else if (/[0-7]/.test(n)) {
      let digits = echo && n === '0' ? '' : n;
      let k = i + 1;
      while (k < text.length && digits.length < 3 && /[0-7]/.test(text[k]!)) digits += text[k++];
      i = k - 1;
      out += String.fromCharCode(parseInt(digits || '0', 8));
    } else if (n === 'x' && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      let digits = '';
      let k = i + 1;
      while (k < text.length && digits.length < 2 && /[0-9a-fA-F]/.test(text[k]!)) digits += text[k++];
      i = k - 1;
      out += String.fromCharCode(parseInt(digits, 16));
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}

/** A value as ash quotes it in `set`, `export -p` and `trap` listings. */
export function shellQuote(v: string): string {
  if (v !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(v)) return v;
  return `'${v.replace(/'/g, `'"'"'`)}'`;
}

function quoteForTrace(v: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'"'"'`)}'`;
}

function listSignals(): string {
  return Object.entries(SIGNALS)
    .map(([k, v]) => `${String(v).padStart(2)}) ${k}\n`)
    .join('');
}
