/**
 * A student's line -> the argv the sandbox runs, or the answer a shell would give without running
 * anything. Same texts as the simulated backend, so both backends answer bad input alike.
 */
import { ShellSyntaxError, splitCommandLine } from '../../shell/split-words.ts';
import type { ExecResult } from '../backend.ts';
import { refusal, SANDBOX_PROGRAMS } from './policy.ts';

export type ParsedLine = { argv: string[] } | { result: ExecResult };

export function parseLine(line: string, opts: { hostAddresses?: string[] } = {}): ParsedLine {
  let words: string[];
  let operators: string[];
  try {
    // `2>&1` changes nothing: the sandbox always shows stdout and stderr together.
    ({ words, operators } = splitCommandLine(line.replace(/\s2>&1\s*$/, '')));
  } catch (e) {
    if (e instanceof ShellSyntaxError)
      return { result: { output: `sh: syntax error: ${e.message}\n`, exitCode: 2 } };
    throw e;
  }
  if (operators.length > 0) {
    return {
      result: {
        output: `sh: '${operators[0]}' is not supported here: the sandbox runs one command per line, without pipes or redirections\n`,
        exitCode: 2,
      },
    };
  }
  if (words.length === 0) return { result: { output: '', exitCode: 0 } };
  const name = words[0]!;
  if (!SANDBOX_PROGRAMS.has(name.replace(/^\/usr\/(local\/)?bin\//, ''))) {
    return { result: { output: `sh: ${name}: not found\n`, exitCode: 127 } };
  }
  const refused = refusal(words, opts);
  if (refused) return { result: { output: `${refused}\n`, exitCode: 1 } };
  return { argv: words };
}
