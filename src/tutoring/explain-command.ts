/**
 * `/explain docker ...`: what a command would do, flag by flag, and which idea it shows, without
 * running it. It walks the engine's own command tree, so every flag the simulator supports is
 * explained from the same spec its `--help` prints; typos get a "did you mean".
 */
import type { CommandNode, GroupCommand, LeafCommand } from '../engine/cli/command.ts';
import { argsError, findChild } from '../engine/cli/command.ts';
import { rootCommand } from '../engine/cli/docker.ts';
import type { FlagSpec } from '../engine/cli/flags.ts';
import { COMMAND_CONCEPTS, type CommandConcept, FLAG_CONCEPTS, VALUE_CONCEPTS } from './concepts.ts';
import { suggest } from './did-you-mean.ts';

export interface FlagUse {
  spec: FlagSpec;
  /** As typed: `--subnet`, `-d`. */
  written: string;
  value?: string;
}

export interface Explanation {
  /** `docker network create`. */
  path: string;
  /** The leaf reached, or the group when the words stop at one. */
  node: CommandNode;
  flags: FlagUse[];
  args: string[];
  /** Problems found without running: unknown words, missing values. */
  problems: string[];
  concept?: CommandConcept;
}

const isGroup = (c: CommandNode): c is GroupCommand => 'children' in c;

/** The engine's command tree, from the words after `docker`. Never throws for bad input. */
export function analyze(words: string[]): Explanation {
  let node: CommandNode = rootCommand();
  let path = 'docker';
  let i = 0;
  const problems: string[] = [];
  while (isGroup(node)) {
    const w = words[i];
    if (w === undefined || w.startsWith('-')) break;
    const child: CommandNode | undefined = findChild(node, w);
    if (!child) {
      const names = node.children.filter((c) => !c.hidden).flatMap((c) => [c.name, ...(c.aliases ?? [])]);
      const close = suggest(w, names);
      const where = path === 'docker' ? 'a docker command' : `a command of ${path}`;
      problems.push(
        `\`${w}\` is not ${where}.${close.length ? ` Did you mean ${quoteList(close.slice(0, 3))}?` : ''}`,
      );
      return { path, node, flags: [], args: words.slice(i), problems, ...conceptOf(path) };
    }
    node = child;
    path = `${path} ${child.name}`;
    i++;
  }
  if (isGroup(node)) {
    if (i < words.length) problems.push(`\`${path}\` takes a subcommand, not \`${words[i]}\`.`);
    return { path, node, flags: [], args: [], problems, ...conceptOf(path) };
  }
  const { flags, args, problems: flagProblems } = readFlags(node, path, words.slice(i));
  problems.push(...flagProblems);
  const countError = argsError(node, path, args.length);
  if (countError) problems.push(`Docker would stop here: ${countError.split('\n')[0]}`);
  return { path, node, flags, args, problems, ...conceptOf(path) };
}

function conceptOf(path: string): { concept?: CommandConcept } {
  const words = path.split(' ').slice(1);
  for (let n = words.length; n > 0; n--) {
    const c = COMMAND_CONCEPTS[words.slice(0, n).join(' ')];
    if (c) return { concept: c };
  }
  return {};
}

/** Like the CLI's flag parser, but it keeps going past mistakes so it can name them all. */
function readFlags(cmd: LeafCommand, path: string, argv: string[]) {
  const byName = new Map(cmd.flags.map((s) => [s.name, s]));
  const byShort = new Map(cmd.flags.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: FlagUse[] = [];
  const args: string[] = [];
  const problems: string[] = [];
  const longNames = cmd.flags.filter((s) => !s.hidden).map((s) => `--${s.name}`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byName.get(name);
      if (!spec) {
        if (name === 'help') continue;
        const close = suggest(`--${name}`, longNames);
        problems.push(
          `\`--${name}\` is not a flag of ${path} (Docker would stop with \`unknown flag: --${name}\`).` +
            (close.length ? ` Did you mean ${quoteList(close.slice(0, 3))}?` : ''),
        );
        continue;
      }
      if (eq >= 0) flags.push({ spec, written: `--${name}`, value: a.slice(eq + 1) });
      else if (spec.type === 'bool') flags.push({ spec, written: `--${name}` });
      else if (i + 1 < argv.length) flags.push({ spec, written: `--${name}`, value: argv[++i]! });
      else problems.push(`\`--${name}\` needs a value.`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = byShort.get(c);
        if (!spec) {
          if (c === 'h') break;
          problems.push(
            `\`-${c}\` is not a flag of ${path} (Docker would stop with \`unknown shorthand flag: '${c}' in ${a}\`).` +
              longHint(c, longNames),
          );
          continue;
        }
        if (spec.type === 'bool') {
          flags.push({ spec, written: `-${c}` });
          continue;
        }
        const rest = a.slice(j + 1).replace(/^=/, '');
        if (rest) flags.push({ spec, written: `-${c}`, value: rest });
        else if (i + 1 < argv.length) flags.push({ spec, written: `-${c}`, value: argv[++i]! });
        else problems.push(`\`-${c}\` needs a value.`);
        break;
      }
      continue;
    }
    args.push(a);
    if (cmd.interspersed === false) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  return { flags, args, problems };
}

/** `-x` that is no shorthand: maybe the student meant a long flag starting with that letter. */
function longHint(c: string, longNames: string[]): string {
  const starts = longNames.filter((n) => n.startsWith(`--${c}`));
  return starts.length ? ` Did you mean ${quoteList(starts.slice(0, 3))}?` : '';
}

function quoteList(xs: string[]): string {
  const q = xs.map((x) => `\`${x}\``);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** The help text of a flag without cobra's backquote markers. */
function helpText(spec: FlagSpec): string {
  const h = spec.help.replace(/`([^`]+)`/g, '$1').trim();
  return h.endsWith('.') ? h : `${h}.`;
}

/** One line per flag: what it does (the engine's help) and why it matters (our concept). */
export function explainFlag(path: string, use: FlagUse): string {
  const { spec } = use;
  const cmd = path.replace(/^docker /, '');
  const shown = use.value !== undefined ? `${use.written} ${use.value}` : use.written;
  const parts = [`\`${shown}\`: ${helpText(spec)}`];
  if (spec.defaultText && use.value === undefined && spec.type !== 'bool')
    parts.push(`(default ${spec.defaultText})`);
  const concept = FLAG_CONCEPTS[`${cmd} --${spec.name}`] ?? FLAG_CONCEPTS[`* --${spec.name}`];
  if (concept) parts.push(concept);
  const values = VALUE_CONCEPTS[spec.name];
  const v = use.value !== undefined ? values?.[use.value] : undefined;
  if (v) parts.push(v);
  if (spec.hidden) parts.push('(a hidden flag: it works but `--help` does not list it)');
  return parts.join(' ');
}

/** Positional words named after the usage line: `NETWORK = app`. */
function explainArgs(cmd: LeafCommand, args: string[]): string[] {
  if (args.length === 0) return [];
  const names = cmd.use
    .split(/\s+/)
    .filter((w) => w !== '[OPTIONS]' && w !== '')
    .map((w) => w.replace(/[[\]|.]/g, '').split(/[|]/)[0] ?? w)
    .filter((w) => w !== '');
  return args.map((a, i) => {
    const name = names[Math.min(i, names.length - 1)] ?? 'ARG';
    return `\`${a}\`: ${name.toLowerCase().replace(/_/g, ' ')}`;
  });
}

/** The whole explanation as chat lines. */
export function explainText(words: string[]): string {
  const ex = analyze(words);
  const lines: string[] = [];
  const typed = ['docker', ...words].join(' ');
  lines.push(`\`${typed}\``);
  if (isGroup(ex.node)) {
    lines.push(`${ex.path}: ${ex.node.short}.`);
    if (ex.concept) lines.push(`Concept: ${ex.concept.concept}`);
    if (ex.problems.length === 0 || ex.path !== 'docker') {
      const subs = ex.node.children
        .filter((c) => !c.hidden)
        .map((c) => c.name)
        .sort();
      lines.push(`Subcommands: ${subs.join(', ')}. Try \`/explain ${ex.path} ${subs[0] ?? ''}\`.`);
    }
  } else {
    const leaf = ex.node;
    lines.push(`${ex.path}: ${leaf.short}.`);
    if (ex.concept) lines.push(`Concept: ${ex.concept.concept}`);
    for (const f of ex.flags) lines.push(`• ${explainFlag(ex.path, f)}`);
    for (const a of explainArgs(leaf, ex.args)) lines.push(`• ${a}`);
    const unset = leaf.flags.filter((s) => !s.hidden && !ex.flags.some((f) => f.spec === s)).length;
    if (ex.flags.length === 0 && unset > 0)
      lines.push(`No flags given; it has ${unset}. \`/docker ${ex.path.slice(7)} --help\` lists them.`);
  }
  for (const p of ex.problems) lines.push(`⚠ ${p}`);
  if (ex.concept?.lesson) lines.push(`Learn more: /learn ${ex.concept.lesson}`);
  lines.push('Nothing was run.');
  return lines.join('\n');
}
