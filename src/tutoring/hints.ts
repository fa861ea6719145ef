/**
 * Hints for common mistakes (`prompts/hints.yaml`): an error pattern, one line saying what went
 * wrong in the module's terms, and the command that fixes it. Docker's own error is always shown
 * first and untouched; the hint only follows it.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { PROMPTS_DIR } from '../content/load.ts';
import type { ReplyBlock } from '../core/types.ts';
import { loadYamlFile } from './content-file.ts';
import { BUTTON_COMMAND_MAX, chatCommandOf } from './lessons.ts';

const pattern = z.string().refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

const fix = z
  .object({
    docker: z
      .string()
      .trim()
      .regex(/^docker\s\S/, 'must be a docker command line')
      .optional(),
    api: z
      .string()
      .trim()
      .regex(/^(GET|POST|PUT|DELETE|HEAD) \/\S*( \{.*\})?$/, 'must be METHOD /PATH [JSON]')
      .optional(),
  })
  .strict()
  .refine((f) => (f.docker === undefined) !== (f.api === undefined), {
    message: 'give exactly one of docker or api',
  });

export const hintSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
    /**
     * Regular expressions tried against the command's output; named groups (`(?<network>\S+)`)
     * fill `{network}` in the hint and the fix.
     */
    patterns: z.array(pattern).min(1),
    hint: z
      .string()
      .trim()
      .min(1)
      .refine((h) => !h.includes('\n'), { message: 'must be one line' }),
    fix: z.array(fix).min(1).max(2),
    /** The `/learn` lesson behind it. */
    lesson: z.string().optional(),
  })
  .strict();

export const hintFileSchema = z.object({ hints: z.array(hintSchema).min(1) }).strict();

export type Hint = z.infer<typeof hintSchema>;

export const HINTS_FILE = join(PROMPTS_DIR, 'hints.yaml');

export function loadHints(file = HINTS_FILE): Hint[] {
  const hints = loadYamlFile(hintFileSchema, file, 'prompts/hints.yaml').hints;
  const seen = new Set<string>();
  for (const h of hints) {
    if (seen.has(h.id)) throw new Error(`prompts/hints.yaml: hint id "${h.id}" is used twice`);
    seen.add(h.id);
  }
  return hints;
}

let cached: Hint[] | undefined;

export function courseHints(): Hint[] {
  cached ??= loadHints();
  return cached;
}

export interface MatchedHint {
  hint: Hint;
  text: string;
  /** Chat commands (`/docker swarm init`), placeholders filled. */
  fixes: string[];
}

const fill = (template: string, groups: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (all, name: string) => groups[name] ?? all);

/** The hints whose patterns match `output`, each once, in file order. */
export function matchHints(output: string, hints: Hint[] = courseHints()): MatchedHint[] {
  const out: MatchedHint[] = [];
  for (const hint of hints) {
    for (const p of hint.patterns) {
      const m = new RegExp(p).exec(output);
      if (!m) continue;
      const groups = { ...(m.groups ?? {}) } as Record<string, string>;
      out.push({
        hint,
        text: fill(hint.hint, groups),
        fixes: hint.fix.map((f) => fill(chatCommandOf(f), groups)),
      });
      break;
    }
  }
  return out;
}

/** A placeholder the student fills in (`CONTAINER`): such a fix is shown, not offered as a button. */
const needsInput = (cmd: string) =>
  /\b[A-Z][A-Z_]{2,}\b/.test(cmd.replace(/^\/(docker|api) (GET|POST|PUT|DELETE|HEAD)?/, ''));

/** The blocks a hint adds after Docker's output: the hint line, the fix, and buttons to run it. */
export function hintBlocks(matches: MatchedHint[]): ReplyBlock[] {
  const blocks: ReplyBlock[] = [];
  for (const m of matches) {
    const learn = m.hint.lesson ? ` (more: /learn ${m.hint.lesson})` : '';
    blocks.push({ kind: 'text', text: `Hint: ${m.text}${learn}` });
    blocks.push({ kind: 'text', text: `Fix: ${m.fixes.map((f) => `\`${f}\``).join(' then ')}` });
    const runnable = m.fixes.filter((f) => !needsInput(f) && f.length <= BUTTON_COMMAND_MAX);
    if (runnable.length) {
      blocks.push({
        kind: 'buttons',
        buttons: runnable.map((f) => ({ id: 'fix', label: f.slice(0, 60), value: f })),
      });
    }
  }
  return blocks;
}
