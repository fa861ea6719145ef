/**
 * The docker CLI's command tree (cobra as docker configures it): usage lines, argument-count
 * errors, flag errors with exit 125, group commands that print their usage, and `--help`.
 */
import type { Engine } from '../engine.ts';
import { apiVersionFailure } from './api-version.ts';
import { FlagError, type FlagSpec, FlagValues, flagUsages, HelpRequested, parseFlags } from './flags.ts';
import { type RecordedCommand, recordedCommand, recordedFlags, useTail } from './help/recorded.ts';
import { ExitError, type Terminal } from './terminal.ts';

export type ArgsRule =
  | { kind: 'none' }
  | { kind: 'exact'; n: number }
  | { kind: 'min'; n: number }
  | { kind: 'max'; n: number }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'any' };

export interface CommandContext {
  engine: Engine;
  term: Terminal;
  flags: FlagValues;
  args: string[];
  /** The full command path, `docker network create`. */
  path: string;
  /** Runs another docker command line in the same sandbox (compose and services use it). */
  docker?: (argv: string[]) => Promise<number>;
  /** What the host shell piped in (`echo pw | docker login --password-stdin`); none from chat. */
  stdin?: string;
  /** `DOCKER_API_VERSION` from the host shell: the API version the CLI speaks instead of the newest. */
  apiVersion?: string;
}

export interface LeafCommand {
  name: string;
  aliases?: string[];
  /** The `Use` line after the command path: `[OPTIONS] NETWORK`. */
  use: string;
  short: string;
  flags: FlagSpec[];
  args: ArgsRule;
  /** false for `run`, `exec`, `create`: flags end at the first argument. */
  interspersed?: boolean;
  hidden?: boolean;
  run(ctx: CommandContext): number | Promise<number>;
}

export interface GroupCommand {
  name: string;
  aliases?: string[];
  short: string;
  children: Array<LeafCommand | GroupCommand>;
  hidden?: boolean;
}

export type CommandNode = LeafCommand | GroupCommand;

const isGroup = (c: CommandNode): c is GroupCommand => 'children' in c;

function plural(word: string, n: number): string {
  return n === 1 ? word : `${word}s`;
}

/** What real Docker says about `path`: its argument rule, Use line and short text win. */
function recordedLeaf(path: string) {
  const rec = recordedCommand(path);
  return rec && !rec.group ? rec : undefined;
}

export function argsError(cmd: LeafCommand, path: string, n: number): string | null {
  const rec = recordedLeaf(path);
  const rule = rec?.args ?? cmd.args;
  const use = rec ? useTail(rec, path) : cmd.use;
  const short = rec?.short ?? cmd.short;
  const tail = `.\nSee '${path} --help'.\n\nUsage:  ${path} ${use}\n\n${short}`;
  switch (rule.kind) {
    case 'any':
      return null;
    case 'none':
      return n === 0 ? null : `"${path}" accepts no arguments${tail}`;
    case 'exact':
      return n === rule.n
        ? null
        : `"${path}" requires exactly ${rule.n} ${plural('argument', rule.n)}${tail}`;
    case 'min':
      return n >= rule.n
        ? null
        : `"${path}" requires at least ${rule.n} ${plural('argument', rule.n)}${tail}`;
    case 'max':
      return n <= rule.n ? null : `"${path}" requires at most ${rule.n} ${plural('argument', rule.n)}${tail}`;
    case 'range':
      return n >= rule.min && n <= rule.max
        ? null
        : `"${path}" requires at least ${rule.min} and at most ${rule.max} ${plural('argument', rule.max)}${tail}`;
  }
}

/** cobra's usage template as docker sets it, for a leaf command. */
export function leafUsage(cmd: LeafCommand, path: string): string {
  const rec = recordedLeaf(path);
  if (rec) return rec.help;
  let text = `\nUsage:  ${path} ${cmd.use}\n\n${cmd.short}\n`;
  if (cmd.aliases?.length) {
    text += `\nAliases:\n  ${[cmd.name, ...cmd.aliases].join(', ')}\n`;
  }
  const visible = cmd.flags.filter((f) => !f.hidden);
  if (visible.length) text += `\nOptions:\n${flagUsages(visible)}\n`;
  return text;
}

/** cobra's usage template for a command with subcommands. */
export function groupUsage(group: GroupCommand, path: string): string {
  const rec = recordedCommand(path);
  if (rec?.group) return rec.help;
  const visible = group.children.filter((c) => !c.hidden);
  const pad = Math.max(11, ...visible.map((c) => c.name.length));
  const lines = visible
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((c) => `  ${c.name.padEnd(pad)} ${c.short}`);
  return (
    `\nUsage:  ${path} COMMAND\n\n${group.short}\n\nCommands:\n${lines.join('\n')}\n\n` +
    `Run '${path} COMMAND --help' for more information on a command.\n`
  );
}

function replay(term: Terminal, out: { stdout: string; stderr: string; exit: number }): number {
  if (out.stdout) term.out(out.stdout);
  if (out.stderr) term.err(out.stderr);
  return out.exit;
}

/**
 * A command real Docker has under `path` but the simulator does not run: built from the
 * recording, so its flags and arguments are checked as Docker checks them before it answers
 * that the sandbox cannot do it.
 */
export function recordedChild(path: string, name: string): CommandNode | undefined {
  const parent = recordedCommand(path);
  if (!parent?.group) return undefined;
  for (const childName of parent.children) {
    const rec = recordedCommand(`${path} ${childName}`);
    if (rec && (childName === name || rec.aliases.includes(name))) {
      return stubFromRecording(`${path} ${childName}`, childName, rec);
    }
  }
  return undefined;
}

export function stubFromRecording(path: string, name: string, rec: RecordedCommand): CommandNode {
  const aliases = rec.aliases.filter((a) => a !== name);
  if (rec.group) {
    return { name, aliases, short: rec.short, children: [] };
  }
  return {
    name,
    aliases,
    use: useTail(rec, path),
    short: rec.short,
    flags: recordedFlags(rec),
    args: rec.args,
    interspersed: !/\[COMMAND\] \[ARG\.\.\.\]|COMMAND \[ARG\.\.\.\]/.test(rec.use),
    run: (ctx) => (recordedHandlers.get(path) ?? notAvailable)(ctx),
  };
}

const recordedHandlers = new Map<string, (ctx: CommandContext) => number | Promise<number>>();

/**
 * Runs `path`, a command the simulator only knows from the recording, with `run`: its flags and
 * arguments are still checked from the recording. For cheap answers (`docker plugin ls`).
 */
export function implementRecorded(
  path: string,
  run: (ctx: CommandContext) => number | Promise<number>,
): void {
  recordedHandlers.set(path, run);
}

/** The honest answer of a command the sandbox cannot run. */
export function notAvailable(ctx: CommandContext): number {
  ctx.term.eprintln(
    `Error response from daemon: ${ctx.path.replace(/^docker /, '')} is not available in this sandbox`,
  );
  return 1;
}

export function findChild(group: GroupCommand, name: string): CommandNode | undefined {
  return group.children.find((c) => c.name === name || c.aliases?.includes(name));
}

/** Runs `argv` (after the group's own name) through `group`. Returns the exit code. */
export async function dispatch(
  group: GroupCommand,
  path: string,
  argv: string[],
  base: Omit<CommandContext, 'flags' | 'args' | 'path'>,
): Promise<number> {
  const { term } = base;
  const first = argv[0];
  const rec = recordedCommand(path);
  if (first === undefined) {
    // A group alone prints its usage (on stderr, exit 0, as docker's ShowHelp does).
    if (rec?.group) return replay(term, rec.bare);
    term.out(groupUsage(group, path));
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    term.out(groupUsage(group, path));
    return 0;
  }
  if (first.startsWith('-')) {
    const flag = first.startsWith('--')
      ? `unknown flag: ${first.split('=')[0]}`
      : `unknown shorthand flag: '${first[1]}' in ${first}`;
    term.eprintln(`${flag}\nSee '${path} --help'.`);
    return 125;
  }
  const child = findChild(group, first) ?? recordedChild(path, first);
  if (!child) {
    if (rec?.group) return replay(term, rec.bogus);
    term.eprintln(`\n${groupUsage(group, path).replace(/^\n/, '').replace(/\n$/, '')}`);
    return 1;
  }
  const childPath = `${path} ${child.name}`;
  if (isGroup(child)) return dispatch(child, childPath, argv.slice(1), base);
  return runLeaf(child, childPath, argv.slice(1), base);
}

/** docker's `filter` option type rejects a value without `=` while the flags are parsed. */
function checkFilterValues(specs: FlagSpec[], parsed: ReturnType<typeof parseFlags>): void {
  for (const spec of specs) {
    if (typeof spec.type !== 'object' || spec.type.typeName !== 'filter') continue;
    const bad = parsed.values.get(spec.name)?.find((v) => !v.includes('='));
    if (bad === undefined) continue;
    const flagDesc = spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
    throw new FlagError(
      `invalid argument "${bad}" for "${flagDesc}" flag: bad format of filter (expected name=value)`,
    );
  }
}

/** The command's flags plus any real Docker has that it does not declare (parsed, then ignored). */
function withRecordedFlags(cmd: LeafCommand, path: string): FlagSpec[] {
  const rec = recordedLeaf(path);
  if (!rec) return cmd.flags;
  const known = new Set(cmd.flags.map((f) => f.name));
  const shorts = new Set(cmd.flags.flatMap((f) => (f.short ? [f.short] : [])));
  const extra = recordedFlags(rec).filter((f) => !known.has(f.name) && !(f.short && shorts.has(f.short)));
  return extra.length ? [...cmd.flags, ...extra] : cmd.flags;
}

export async function runLeaf(
  cmd: LeafCommand,
  path: string,
  argv: string[],
  base: Omit<CommandContext, 'flags' | 'args' | 'path'>,
): Promise<number> {
  const { term } = base;
  let parsed: ReturnType<typeof parseFlags>;
  try {
    const specs = withRecordedFlags(cmd, path);
    parsed = parseFlags(argv, specs, cmd.interspersed !== false);
    checkFilterValues(specs, parsed);
  } catch (e) {
    if (e instanceof HelpRequested) {
      term.out(leafUsage(cmd, path));
      return 0;
    }
    if (e instanceof FlagError) {
      term.eprintln(`${e.message}\nSee '${path} --help'.`);
      return 125;
    }
    throw e;
  }
  const err = argsError(cmd, path, parsed.args.length);
  if (err) {
    term.eprintln(err);
    return 1;
  }
  const refused = apiVersionFailure(path, base.apiVersion, (flag) => parsed.values.has(flag));
  if (refused) {
    term.eprintln(refused.text);
    return refused.exit;
  }
  try {
    return await cmd.run({ ...base, flags: new FlagValues(parsed), args: parsed.args, path });
  } catch (e) {
    if (e instanceof ExitError) {
      if (e.text) term.eprintln(e.text);
      return e.exitCode;
    }
    throw e;
  }
}
