/**
 * The official Engine API v1.41 definition (`../shared/reference/docker-engine-api-v1.41.yaml`)
 * as a response validator: find the schema for a method, path and status, and check a decoded JSON
 * body against it (types, required fields, arrays, maps, `$ref`, `allOf`). Unknown properties are
 * allowed, as Swagger 2.0 allows them by default (the 20.10 definition leaves out a few fields the
 * daemon sends, such as `ConfigFrom` on networks).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const SWAGGER_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'reference',
  'docker-engine-api-v1.41.yaml',
);

type Schema = Record<string, unknown>;

export interface Swagger {
  definitions: Record<string, Schema>;
  paths: Record<string, Record<string, { responses?: Record<string, { schema?: Schema }> }>>;
}

let cached: Swagger | null | undefined;

/** The parsed definition, or null when `../shared` is not beside the project. */
export function loadSwagger(): Swagger | null {
  if (cached !== undefined) return cached;
  cached = existsSync(SWAGGER_FILE)
    ? (parse(indentQuotedContinuations(readFileSync(SWAGGER_FILE, 'utf8'))) as Swagger)
    : null;
  return cached;
}

/**
 * The file (like moby's own) continues a few double-quoted descriptions on lines indented no
 * deeper than their key, which the YAML 1.2 spec (and so the `yaml` package) rejects while
 * PyYAML and go-yaml accept it. Indenting those continuation lines changes no value.
 */
export function indentQuotedContinuations(text: string): string {
  let open = false;
  return text
    .split('\n')
    .map((line) => {
      if (open) {
        if (closesQuote(line, 0)) open = false;
        return `    ${line}`;
      }
      // A value that starts a double-quoted scalar (`key: "...` or `- "...`) and does not close it.
      const m = /^\s*(?:[^\s#][^:]*:|-)\s+"/.exec(line);
      if (m && !closesQuote(line, m[0].length)) open = true;
      return line;
    })
    .join('\n');
}

/** Whether an unescaped `"` occurs in `line` from `from` on. */
function closesQuote(line: string, from: number): boolean {
  for (let i = from; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return true;
  }
  return false;
}

export const SWAGGER_MISSING = `the Engine API definition is not at ${SWAGGER_FILE} (../shared is only beside a developer's or CI's checkout)`;

/** The documented path template for a concrete path (`/networks/abc` -> `/networks/{id}`). */
export function pathTemplate(sw: Swagger, method: string, path: string): string | null {
  const bare = path.replace(/^\/v[0-9.]+(?=\/)/, '');
  let best: string | null = null;
  let bestLiteral = -1;
  for (const tmpl of Object.keys(sw.paths)) {
    if (!sw.paths[tmpl]![method.toLowerCase()]) continue;
    const re = new RegExp(`^${tmpl.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '(.+)')}$`);
    if (!re.test(bare)) continue;
    // Prefer the template with the most literal text (`/networks/create` over `/networks/{id}`).
    const literal = tmpl.replace(/\{[^}]+\}/g, '').length;
    if (literal > bestLiteral) {
      best = tmpl;
      bestLiteral = literal;
    }
  }
  return best;
}

/** The response schema documented for this exchange; null when the status has no JSON body documented. */
export function responseSchema(sw: Swagger, method: string, path: string, status: number): Schema | null {
  const tmpl = pathTemplate(sw, method, path);
  // Paths the definition does not know (404 `page not found`, version errors) answer ErrorResponse.
  if (!tmpl) return status >= 400 ? { $ref: '#/definitions/ErrorResponse' } : null;
  const op = sw.paths[tmpl]![method.toLowerCase()]!;
  const res = op.responses?.[String(status)];
  if (res?.schema) return res.schema;
  if (status >= 400) return { $ref: '#/definitions/ErrorResponse' };
  return null;
}

/** Problems with `value` against `schema`, as `path: problem` lines (empty when valid). */
export function validate(sw: Swagger, schema: Schema, value: unknown, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/definitions/', '');
    const def = sw.definitions[name];
    if (!def) return [`${at}: unknown definition ${name}`];
    return validate(sw, def, value, at);
  }
  const errors: string[] = [];
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as Schema[]) errors.push(...validate(sw, part, value, at));
  }
  const type = schema.type as string | undefined;
  if (value === null) {
    // Go's nil maps, slices and pointers: null is how the daemon sends an empty one.
    if (type === undefined || type === 'object' || type === 'array' || schema['x-nullable'] === true)
      return errors;
    return [...errors, `${at}: null where ${type} is documented`];
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') errors.push(`${at}: expected string, got ${JSON.stringify(value)}`);
      else if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).includes(value) && value !== '') {
        errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
      }
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        errors.push(`${at}: expected integer, got ${JSON.stringify(value)}`);
      }
      break;
    case 'number':
      if (typeof value !== 'number') errors.push(`${at}: expected number, got ${JSON.stringify(value)}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${at}: expected boolean, got ${JSON.stringify(value)}`);
      break;
    case 'array':
      if (!Array.isArray(value)) errors.push(`${at}: expected array, got ${JSON.stringify(value)}`);
      else if (schema.items) {
        value.forEach((item, i) => {
          errors.push(...validate(sw, schema.items as Schema, item, `${at}[${i}]`));
        });
      }
      break;
    default:
      if (type === 'object' || schema.properties || schema.additionalProperties) {
        if (typeof value !== 'object' || Array.isArray(value)) {
          errors.push(`${at}: expected object, got ${JSON.stringify(value)}`);
          break;
        }
        const obj = value as Record<string, unknown>;
        for (const req of (schema.required as string[] | undefined) ?? []) {
          if (!(req in obj)) errors.push(`${at}: missing required ${req}`);
        }
        const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
        for (const [k, v] of Object.entries(obj)) {
          if (props[k]) errors.push(...validate(sw, props[k]!, v, `${at}.${k}`));
          else if (typeof schema.additionalProperties === 'object') {
            errors.push(...validate(sw, schema.additionalProperties as Schema, v, `${at}.${k}`));
          }
        }
      }
  }
  return errors;
}
