/**
 * Reads one YAML file of tutoring content and checks it against a schema, reporting mistakes as
 * `FILE: FIELD: PROBLEM` the way the course content loader does, so an instructor can fix them.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ContentError, fieldPath } from '../content/load.ts';

export function loadYamlFile<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, file: string, name: string): T {
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
  const r = schema.safeParse(doc.toJS());
  if (r.success) return r.data;
  throw new ContentError(
    name,
    r.error.issues.slice(0, 10).map((i) => `${fieldPath(i.path)}: ${i.message}`),
  );
}
