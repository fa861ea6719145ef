/**
 * Loads the course content from YAML files and validates it. A mistake an instructor makes is
 * reported as `FILE: FIELD: PROBLEM` (for example `prompts/quiz/bridge.yaml: questions[3].answer:
 * must be one of the choices, word for word`), so it can be fixed without reading code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Lab, labSchema, type Question, questionFileSchema } from './schemas.ts';

export class ContentError extends Error {
  override readonly name = 'ContentError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
  }
}

/** `questions[3].answer`, as an instructor would point at it. */
export function fieldPath(path: Array<string | number>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(file)' : out;
}

function shown(file: string, root?: string): string {
  return root ? relative(root, file) || file : file;
}

function parseYaml(file: string, name: string): unknown {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ContentError(name, [`cannot read: ${(e as Error).message}`]);
  }
  const doc = parseDocument(source, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ContentError(
      name,
      doc.errors.map((e) => `YAML syntax, line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  return doc.toJS();
}

/** One YAML file checked against `schema`, mistakes reported as `FILE: FIELD: PROBLEM`. */
export function loadYamlFile<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, file: string, name: string): T {
  return validate(schema, parseYaml(file, name), name);
}

function validate<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, data: unknown, name: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  throw new ContentError(
    name,
    r.error.issues.slice(0, 10).map((i) => `${fieldPath(i.path)}: ${i.message}`),
  );
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Questions of one file (`questions: [...]`). */
export function loadQuestionFile(file: string, root?: string): Question[] {
  const name = shown(file, root);
  return validate(questionFileSchema, parseYaml(file, name), name).questions;
}

/** Every `*.yaml` in `dir`; question IDs must be unique across files. */
export function loadQuestionBank(dir: string, root?: string): Question[] {
  const seen = new Map<string, string>();
  const all: Question[] = [];
  for (const file of yamlFiles(dir)) {
    const name = shown(file, root);
    loadQuestionFile(file, root).forEach((q, i) => {
      const first = seen.get(q.id);
      if (first) throw new ContentError(name, [`questions[${i}].id: "${q.id}" is already used in ${first}`]);
      seen.set(q.id, name);
      all.push(q);
    });
  }
  return all;
}

/** One lab per file. */
export function loadLabFile(file: string, root?: string): Lab {
  const name = shown(file, root);
  return validate(labSchema, parseYaml(file, name), name);
}

export function loadLabs(dir: string, root?: string): Lab[] {
  const seen = new Map<string, string>();
  return yamlFiles(dir).map((file) => {
    const name = shown(file, root);
    const lab = loadLabFile(file, root);
    const first = seen.get(lab.id);
    if (first) throw new ContentError(name, [`id: "${lab.id}" is already used in ${first}`]);
    seen.set(lab.id, name);
    return lab;
  });
}

/** `prompts/` of this checkout. */
export const PROMPTS_DIR = join(import.meta.dirname, '..', '..', 'prompts');

export interface CourseContent {
  questions: Question[];
  labs: Lab[];
}

let cached: CourseContent | undefined;

/** The course's own content, loaded once. */
export function courseContent(dir = PROMPTS_DIR): CourseContent {
  if (dir !== PROMPTS_DIR) return loadContent(dir);
  cached ??= loadContent(dir);
  return cached;
}

export function loadContent(dir: string): CourseContent {
  const root = join(dir, '..');
  return { questions: loadQuestionBank(join(dir, 'quiz'), root), labs: loadLabs(join(dir, 'labs'), root) };
}
