/**
 * Splits a command line into words as a POSIX shell splits a simple command: blanks separate
 * words; single quotes keep everything; double quotes keep all but `\"`, `\\`, `\$` and `` \` ``;
 * a backslash outside quotes escapes the next character and a backslash-newline disappears.
 * No expansion happens: the sandbox runs argv, never a shell.
 */
export class ShellSyntaxError extends Error {}

export interface SplitResult {
  words: string[];
  /** Operators a real shell would act on (`|`, `&&`, `;`, `>`), which the sandbox does not run. */
  operators: string[];
}

const OPERATOR_CHARS = new Set(['|', '&', ';', '<', '>', '(', ')']);

export function splitWords(line: string): string[] {
  return splitCommandLine(line).words;
}

export function splitCommandLine(line: string): SplitResult {
  const words: string[] = [];
  const operators: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) {
        words.push(cur);
        cur = '';
        inWord = false;
      }
      i++;
      continue;
    }
    if (c === '#' && !inWord) break;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
          if (line[i + 1] !== '\n') cur += line[i + 1];
          i += 2;
          continue;
        }
        cur += d;
        i++;
      }
      if (!closed) throw new ShellSyntaxError('unterminated quoted string');
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= line.length) {
        i++;
        continue;
      }
      if (line[i + 1] !== '\n') {
        cur += line[i + 1];
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      if (inWord) {
        words.push(cur);
        cur = '';
        inWord = false;
      }
      let op = c;
      if ((c === '|' || c === '&' || c === '>' || c === '<' || c === ';') && line[i + 1] === c) op += c;
      operators.push(op);
      i += op.length;
      continue;
    }
    cur += c;
    inWord = true;
    i++;
  }
  if (inWord) words.push(cur);
  return { words, operators };
}
