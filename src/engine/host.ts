/**
 * The sandbox host's command line: what a student types (`docker ...`, `curl ...`,
 * `docker-compose ...`), split like a POSIX shell splits a simple command and run as argv.
 */
import { ShellSyntaxError, splitCommandLine } from '../shell/split-words.ts';
import { runDocker } from './cli/docker.ts';
import { type CommandResult, Terminal } from './cli/terminal.ts';
import type { Engine } from './engine.ts';

export type HostProgram = (engine: Engine, argv: string[], term: Terminal) => Promise<number> | number;

const programs = new Map<string, HostProgram>();

programs.set('docker', async (engine, argv, term) => (await runDocker(engine, argv.slice(1), term)).exitCode);

/** Adds a program to the sandbox host (curl, docker-compose...). */
export function registerHostProgram(name: string, program: HostProgram): void {
  programs.set(name, program);
}

export function hostPrograms(): string[] {
  return [...programs.keys()].sort();
}

/** Runs one line on the sandbox host. Never throws for bad input: the shell's message comes back instead. */
export async function runHostLine(engine: Engine, line: string): Promise<CommandResult> {
  const term = new Terminal();
  let exitCode: number;
  try {
    exitCode = await runHostLineInto(engine, line, term);
  } catch (e) {
    if (e instanceof ShellSyntaxError) {
      term.eprintln(`sh: syntax error: ${e.message}`);
      exitCode = 2;
    } else throw e;
  }
  return { stdout: term.stdout, stderr: term.stderr, combined: term.combined, exitCode };
}

async function runHostLineInto(engine: Engine, line: string, term: Terminal): Promise<number> {
  // `2>&1` changes nothing here: stdout and stderr are shown together anyway.
  const { words, operators } = splitCommandLine(line.replace(/\s2>&1\s*$/, ''));
  if (operators.length > 0) {
    term.eprintln(
      `sh: '${operators[0]}' is not supported here: the sandbox runs one command per line, without pipes or redirections`,
    );
    return 2;
  }
  if (words.length === 0) return 0;
  const name = words[0]!;
  const program = programs.get(name.replace(/^\/usr\/(local\/)?bin\//, ''));
  if (!program) {
    term.eprintln(`sh: ${name}: not found`);
    return 127;
  }
  return program(engine, words, term);
}
