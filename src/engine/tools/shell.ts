/**
 * A small `sh -c`: words with quotes and `$VAR`, `;`, `&&`, `||`, pipes, `exit`, redirections to
 * files and between streams. Enough for what course material runs inside containers.
 */
import { normalizePath, readFile, writeFile } from './fs.ts';
import { derive, exited, getEnv, type Proc, type ProcResult } from './process.ts';

interface Word {
  text: string;
}

type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: string };

export class ShellSyntax extends Error {}

/** Splits and expands a script (`$VAR`, `${VAR}`, `$?`) into words and operators. */
export function tokenize(script: string, env: (k: string) => string | undefined): Token[] {
  const out: Token[] = [];
  let cur = '';
  let inWord = false;
  const flush = () => {
    if (inWord) out.push({ kind: 'word', word: { text: cur } });
    cur = '';
    inWord = false;
  };
  const expand = (i: number): [string, number] => {
    // script[i] === '$'
    const rest = script.slice(i + 1);
    let m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (m) return [env(m[1]!) ?? '', i + 1 + m[0].length];
    m = /^([A-Za-z_][A-Za-z0-9_]*|\?|\$|#|[0-9])/.exec(rest);
    if (m) return [env(m[1]!) ?? '', i + 1 + m[0].length];
    return ['$', i + 1];
  };
  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    if (ch === '\\' && i + 1 < script.length) {
      cur += script[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (ch === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntax('unterminated quoted string');
      cur += script.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      inWord = true;
      i++;
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && /["\\$`]/.test(script[i + 1] ?? '')) {
          cur += script[i + 1];
          i += 2;
        } else if (script[i] === '$') {
          const [v, next] = expand(i);
          cur += v;
          i = next;
        } else {
          cur += script[i];
          i++;
        }
      }
      if (i >= script.length) throw new ShellSyntax('unterminated quoted string');
      i++;
      continue;
    }
    if (ch === '$') {
      const [v, next] = expand(i);
      // Unquoted expansions are split on whitespace.
      const parts = v.split(/\s+/);
      for (let p = 0; p < parts.length; p++) {
        if (p > 0) flush();
        if (parts[p]) {
          cur += parts[p];
          inWord = true;
        }
      }
      i = next;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      flush();
      if (ch === '\n') out.push({ kind: 'op', op: ';' });
      i++;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '>>' || two === '>&') {
      if (two === '>&' && cur && /^\d$/.test(cur)) {
        out.push({ kind: 'op', op: `${cur}>&` });
        cur = '';
        inWord = false;
      } else {
        flush();
        out.push({ kind: 'op', op: two });
      }
      i += 2;
      continue;
    }
    if (ch === ';' || ch === '|' || ch === '&' || ch === '<') {
      flush();
      out.push({ kind: 'op', op: ch });
      i++;
      continue;
    }
    if (ch === '>') {
      if (inWord && /^\d$/.test(cur)) {
        out.push({ kind: 'op', op: `${cur}>` });
        cur = '';
        inWord = false;
      } else {
        flush();
        out.push({ kind: 'op', op: '>' });
      }
      i++;
      continue;
    }
    if (ch === '#' && !inWord) {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    cur += ch;
    inWord = true;
    i++;
  }
  flush();
  return out;
}

export type Runner = (proc: Proc) => ProcResult;

interface SimpleCommand {
  argv: string[];
  assigns: string[];
  redirects: Array<{ op: string; target: string }>;
}

/** Runs a script in `proc`'s context; `run` executes one simple command. */
/** ash's variable table bucket (`hashvar`, 39 buckets): the order it exports variables in. */
function ashBucket(entry: string): number {
  const name = entry.split('=')[0] ?? '';
  let h = (name.charCodeAt(0) || 0) << 4;
  for (const ch of Buffer.from(name, 'latin1')) h += ch;
  return h % 39;
}

/** The environment ash gives its children: by bucket, in the order variables were made. */
export function ashOrder(env: string[]): string[] {
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

export function runScript(proc: Proc, script: string, run: Runner): ProcResult {
  let last = 0;
  const envLookup = (k: string) => (k === '?' ? String(last) : k === '$' ? '1' : getEnv(proc, k));
  let tokens: Token[];
  try {
    tokens = tokenize(script, envLookup);
  } catch (e) {
    if (e instanceof ShellSyntax) {
      proc.err(`sh: syntax error: ${e.message}\n`);
      return exited(2);
    }
    throw e;
  }
  // Split into and-or lists separated by ; and &.
  let pos = 0;
  let skipping: '&&' | '||' | null = null;
  let env = shellEnvironment(proc.env, proc.cwd);
  while (pos < tokens.length) {
    const pipeline: SimpleCommand[] = [];
    let cmd: SimpleCommand = { argv: [], assigns: [], redirects: [] };
    let sep = ';';
    for (; pos < tokens.length; pos++) {
      const t = tokens[pos]!;
      if (t.kind === 'word') {
        if (cmd.argv.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.word.text))
          cmd.assigns.push(t.word.text);
        else cmd.argv.push(t.word.text);
        continue;
      }
      if (t.op === '|') {
        pipeline.push(cmd);
        cmd = { argv: [], assigns: [], redirects: [] };
        continue;
      }
      if (
        t.op === '>' ||
        t.op === '>>' ||
        t.op === '<' ||
        /^\d>$/.test(t.op) ||
        t.op === '>&' ||
        /^\d>&$/.test(t.op)
      ) {
        const next = tokens[pos + 1];
        if (next?.kind !== 'word') {
          proc.err(`sh: syntax error: unexpected newline\n`);
          return exited(2);
        }
        cmd.redirects.push({ op: t.op, target: next.word.text });
        pos++;
        continue;
      }
      sep = t.op;
      pos++;
      break;
    }
    pipeline.push(cmd);
    const empty = pipeline.every((c) => c.argv.length === 0 && c.assigns.length === 0);
    if (!empty && skipping === null) {
      const r = runPipeline(derive(proc, { env }), pipeline, run, (assigns) => {
        env = [...env.filter((e) => !assigns.some((a) => a.split('=')[0] === e.split('=')[0])), ...assigns];
      });
      if ('daemon' in r) return r;
      if ('exit' in r) return exited(r.exit);
      last = r.code;
      // Re-expand later words with the new $?: simple scripts only use it right after.
    }
    if (sep === '&&')
      skipping =
        skipping === null ? (last === 0 ? null : '&&') : skipping === '&&' ? '&&' : last === 0 ? null : '&&';
    else if (sep === '||')
      skipping =
        skipping === null ? (last === 0 ? '||' : null) : skipping === '||' ? '||' : last !== 0 ? null : '||';
    else skipping = null;
  }
  return exited(last);
}

type PipelineResult = ProcResult | { exit: number };

function runPipeline(
  proc: Proc,
  cmds: SimpleCommand[],
  run: Runner,
  setVars: (assigns: string[]) => void,
): PipelineResult {
  // The script's own stdin until a pipe or `<` replaces it; read only by a stage that reads it.
  let input: string | undefined;
  let result: ProcResult = exited(0);
  for (let k = 0; k < cmds.length; k++) {
    const cmd = cmds[k]!;
    const lastStage = k === cmds.length - 1;
    if (cmd.argv.length === 0) {
      if (cmd.assigns.length) setVars(cmd.assigns);
      continue;
    }
    if (cmd.argv[0] === 'exit') {
      const code = cmd.argv[1] === undefined ? 0 : Number(cmd.argv[1]) & 255;
      if (cmds.length === 1) return { exit: Number.isNaN(code) ? 2 : code };
      result = exited(code);
      continue;
    }
    if (cmd.argv[0] === 'export') {
      setVars(cmd.argv.slice(1).filter((a) => a.includes('=')));
      result = exited(0);
      continue;
    }
    if (cmd.argv[0] === 'cd') {
      result = exited(0);
      continue;
    }
    // `< file` feeds the command from a file (busybox says so when it cannot open it).
    const from = cmd.redirects.filter((r) => r.op === '<').pop();
    if (from) {
      const text = readFile(proc.engine, proc.container, normalizePath(proc.cwd, from.target));
      if (text === null) {
        proc.err(`sh: can't open ${from.target}: no such file\n`);
        result = exited(1);
        input = '';
        continue;
      }
      input = text;
    }
    let out = '';
    let err = '';
    const chunks: string[] = [];
    const stage: Proc = derive(proc, {
      argv: cmd.argv,
      env: ashOrder([
        ...proc.env.filter((e) => !cmd.assigns.some((a) => a.split('=')[0] === e.split('=')[0])),
        ...cmd.assigns,
      ]),
      ...(input !== undefined ? { stdin: input } : {}),
      main: proc.main && lastStage && cmds.length === 1,
      out: (t) => {
        out += t;
        chunks.push(t);
      },
      err: (t) => {
        err += t;
        chunks.push(t);
      },
    });
    result = run(stage);
    // Redirections, in order: `> file`, `>> file`, `2>&1`, `>&2`, `2> file`.
    let stdoutTo: 'out' | 'err' | { file: string; append: boolean } = 'out';
    let stderrTo: 'out' | 'err' | { file: string; append: boolean } | 'null' = 'err';
    for (const r of cmd.redirects) {
      const path = normalizePath(proc.cwd, r.target);
      if (r.op === '>' || r.op === '1>')
        stdoutTo = r.target === '/dev/null' ? { file: '', append: false } : { file: path, append: false };
      else if (r.op === '>>') stdoutTo = { file: path, append: true };
      else if (r.op === '2>') stderrTo = r.target === '/dev/null' ? 'null' : { file: path, append: false };
      else if ((r.op === '>&' || r.op === '1>&') && r.target === '2') stdoutTo = 'err';
      else if (r.op === '2>&' && r.target === '1') stderrTo = stdoutTo === 'out' ? 'out' : 'out';
    }
    const emit = (text: string, dest: typeof stderrTo) => {
      if (!text) return;
      if (dest === 'null') return;
      if (dest === 'out') {
        if (lastStage) proc.out(text);
        else nextInput += text;
      } else if (dest === 'err') proc.err(text);
      else if (dest.file) writeFile(proc.container, dest.file, text, dest.append);
    };
    let nextInput = '';
    for (const r of cmd.redirects) {
      if (
        (r.op === '>' || r.op === '>>' || r.op === '1>') &&
        typeof stdoutTo === 'object' &&
        !stdoutTo.file
      ) {
        // > /dev/null
      }
    }
    if (typeof stdoutTo === 'object' && stdoutTo.file)
      writeFile(proc.container, stdoutTo.file, '', stdoutTo.append);
    // `2>&1` into the same stream keeps the order the program wrote in.
    if (stdoutTo === 'out' && stderrTo === 'out') emit(chunks.join(''), 'out');
    else {
      emit(out, stdoutTo);
      emit(err, stderrTo);
    }
    input = nextInput;
    if ('daemon' in result) return result;
  }
  return result;
}
