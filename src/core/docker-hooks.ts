/**
 * Hooks around how `/docker` runs a line: each may change the line before it runs and add blocks
 * after Docker's own output (tutoring adds `--explain` and hints this way). Docker's output is
 * never changed, only followed.
 */
import type { ExecResult, SandboxKey } from '../sandbox/backend.ts';
import type { TutorDeps } from './slash-commands.ts';
import type { ReplyBlock, TutorRequest } from './types.ts';

export interface DockerRun {
  req: TutorRequest;
  key: SandboxKey;
  deps: TutorDeps;
  /** What follows `/docker`, as typed (after earlier hooks). */
  args: string;
}

export interface DockerOutcome {
  result: ExecResult;
  /** Blocks shown after Docker's output and exit status. */
  after: ReplyBlock[];
}

export type DockerHook = (
  run: DockerRun,
  next: (args: string) => Promise<DockerOutcome>,
) => Promise<DockerOutcome>;

const hooks: DockerHook[] = [];

/** Adds a hook; the first registered is the outermost. */
export function registerDockerHook(hook: DockerHook): void {
  hooks.push(hook);
}

/** Runs `args` through every hook, then `exec`. */
export function runDockerWithHooks(
  run: DockerRun,
  exec: (args: string) => Promise<DockerOutcome>,
): Promise<DockerOutcome> {
  const step = (i: number, args: string): Promise<DockerOutcome> => {
    const hook = hooks[i];
    if (!hook) return exec(args);
    return hook({ ...run, args }, (next) => step(i + 1, next));
  };
  return step(0, run.args);
}
