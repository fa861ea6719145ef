/**
 * The docker 20.10.24 CLI's help and usage texts, recorded from the real CLI by
 * `scripts/record-cli-help.sh` into `docker-20.10.json`: every command path's Use line, short
 * text, exact `--help` output and argument-count rule. The simulator prints these instead of
 * rebuilding them, so `--help`, usage errors and group listings match byte for byte, including
 * the commands the simulator does not run.
 */
import { readFileSync } from 'node:fs';
import type { ArgsRule } from '../command.ts';
import type { FlagSpec, FlagType } from '../flags.ts';

export interface RecordedOutput {
  stdout: string;
  stderr: string;
  exit: number;
}

interface RecordedBase {
  /** `docker network create [OPTIONS] NETWORK` */
  use: string;
  short: string;
  aliases: string[];
  /** What `--help` prints (stdout). */
  help: string;
}

export interface RecordedLeaf extends RecordedBase {
  group: false;
  args: ArgsRule;
}

export interface RecordedGroup extends RecordedBase {
  group: true;
  /** The group alone (`docker network`): usage on stderr, exit 0. */
  bare: RecordedOutput;
  /** An unknown subcommand (`docker network bogus`): usage on stderr, exit 1. */
  bogus: RecordedOutput;
  children: string[];
}

export type RecordedCommand = RecordedLeaf | RecordedGroup;

interface RecordedFile {
  version: string;
  root: {
    help: RecordedOutput;
    bare: RecordedOutput;
    bogusFlag: RecordedOutput;
    bogusCommand: RecordedOutput;
  };
  commands: Record<string, RecordedCommand>;
}

let loaded: RecordedFile | undefined;

function data(): RecordedFile {
  loaded ??= JSON.parse(
    readFileSync(new URL('./docker-20.10.json', import.meta.url), 'utf8'),
  ) as RecordedFile;
  return loaded;
}

/** The recorded command at `path` (`docker network create`), if real Docker has it. */
export function recordedCommand(path: string): RecordedCommand | undefined {
  return data().commands[path];
}

export function recordedRoot(): RecordedFile['root'] {
  return data().root;
}

/** Every recorded command path, parents before children. */
export function recordedPaths(): string[] {
  return Object.keys(data().commands);
}

/** The part of the Use line after the command path: `[OPTIONS] NETWORK`. */
export function useTail(rec: RecordedCommand, path: string): string {
  // The whole Usage block: `docker cp` has a second line.
  const use = /\nUsage:\s+([\s\S]*?)\n\n/.exec(rec.help)?.[1] ?? rec.use;
  return use.startsWith(`${path} `) ? use.slice(path.length + 1) : use.slice(path.length);
}

const INT_TYPES = new Set(['int', 'int64', 'int32', 'uint', 'uint64', 'uint16', 'uint32']);

/**
 * The flags of a recorded command, read back from its `Options:` block: enough to parse a
 * command line as pflag would (boolean or taking a value, ints checked). Wrapped continuation
 * lines start with blanks only and are skipped.
 */
export function recordedFlags(rec: RecordedCommand): FlagSpec[] {
  const at = rec.help.indexOf('\nOptions:\n');
  if (at < 0) return [];
  const specs: FlagSpec[] = [];
  for (const line of rec.help.slice(at + 10).split('\n')) {
    if (line === '') break;
    const m = /^ {2}(?:-(\S), )? *--([\w.-]+)(?: (\S+))?(?: {2,}(.*))?$/.exec(line);
    if (!m) continue;
    const [, short, name, typeWord, help] = m;
    // cobra lists `--help` itself when `-h` belongs to another flag; it is not a real flag.
    if (name === 'help') continue;
    let type: FlagType;
    if (typeWord === undefined) type = 'bool';
    else if (INT_TYPES.has(typeWord)) type = typeWord.startsWith('u') ? 'uint' : 'int';
    else if (typeWord === 'string') type = 'string';
    else if (typeWord === 'duration') type = 'duration';
    else if (typeWord === 'strings') type = 'strings';
    else if (typeWord === 'stringArray') type = 'stringArray';
    else type = { repeatable: true, typeName: typeWord };
    specs.push({ name: name!, ...(short ? { short } : {}), type, help: help ?? '' });
  }
  return specs;
}
