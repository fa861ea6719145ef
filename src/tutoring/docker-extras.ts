/**
 * What tutoring adds to `/docker`: `--explain` at the end of a command (what changed in the
 * sandbox and why) and a hint after the errors students meet most. Docker's output comes first
 * and unchanged; these only follow it.
 */
import type { DockerHook } from '../core/docker-hooks.ts';
import { ShellSyntaxError, splitWords } from '../shell/split-words.ts';
import { explainText } from './explain-command.ts';
import { hintBlocks, matchHints } from './hints.ts';
import { stateCopy } from './sandbox-state.ts';
import { whatHappenedText } from './what-happened.ts';

/** `--explain` as the last word; docker itself has no such flag, so it is never Docker's. */
const EXPLAIN_FLAG = /(^|\s+)--explain\s*$/;

export const explainHook: DockerHook = async (run, next) => {
  if (!EXPLAIN_FLAG.test(run.args)) return next(run.args);
  const args = run.args.replace(EXPLAIN_FLAG, '');
  const before = await stateCopy(run.deps.backend, run.key);
  const outcome = await next(args);
  if (before) {
    const after = await stateCopy(run.deps.backend, run.key);
    if (after) {
      outcome.after.push({ kind: 'text', text: whatHappenedText(before, after, outcome.result.exitCode) });
      return outcome;
    }
  }
  // A real Docker sandbox has no state to compare: say what the command does instead.
  let words: string[];
  try {
    words = splitWords(args);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return outcome;
    throw e;
  }
  outcome.after.push({
    kind: 'text',
    text: `What it does (your sandbox runs real Docker, so this is the command's meaning, not a before/after comparison):\n${explainText(words)}`,
  });
  return outcome;
};

export const hintHook: DockerHook = async (run, next) => {
  const outcome = await next(run.args);
  outcome.after.push(...hintBlocks(matchHints(outcome.result.output)));
  return outcome;
};
