/**
 * The sandbox host's programs by name (docker, curl, grep...). Kept apart from `host.ts`, the
 * shell that runs them, so program modules can register themselves while the shell imports them.
 */
import type { Terminal } from '../cli/terminal.ts';
import type { Engine } from '../engine.ts';

/** What a host program gets besides argv: its stdin, environment and working directory. */
export interface HostIo {
  stdin: string;
  env: Record<string, string>;
  cwd: string;
  /** Runs another command on the host with this io (xargs, env CMD). */
  run(argv: string[], term: Terminal): Promise<number>;
}

export type HostProgram = (
  engine: Engine,
  argv: string[],
  term: Terminal,
  io: HostIo,
) => Promise<number> | number;

const programs = new Map<string, HostProgram>();

/** Adds a program to the sandbox host (curl, docker-compose...). */
export function registerHostProgram(name: string, program: HostProgram): void {
  programs.set(name, program);
}

export function hostProgram(name: string): HostProgram | undefined {
  return programs.get(name);
}

export function hostPrograms(): string[] {
  return [...programs.keys()].sort();
}
