/**
 * A student's own compose file, checked before it goes into their sandbox as
 * `~/NAME/docker-compose.yml`: size, name, YAML and the compose schema, with the line at fault.
 */
import type { Engine } from '../engine.ts';
import { ComposeError } from './errors.ts';
import { HOME, presetNames } from './host-files.ts';
import { loadProject } from './project.ts';
import { validateFile } from './schema.ts';
import { parseYamlText } from './yaml-text.ts';

/** Largest compose file a student may save (bytes, UTF-8). */
export const MAX_COMPOSE_BYTES = 64 * 1024;

/** A directory name Compose turns into a usable project name as it is. */
export const VALID_PROJECT_DIR = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export type SaveCheck = { ok: true; path: string } | { ok: false; message: string; line?: number };

/** Checks `text` as a compose file for `~/name/docker-compose.yml` (no engine needed). */
export function checkComposeFile(name: string, text: string): SaveCheck {
  if (!VALID_PROJECT_DIR.test(name)) {
    return {
      ok: false,
      message: `"${name}" cannot be a project directory: use lowercase letters, digits, "-" and "_" (at most 63), starting with a letter or digit.`,
    };
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_COMPOSE_BYTES) {
    return {
      ok: false,
      message: `That file is ${bytes} bytes; compose files here may be at most ${MAX_COMPOSE_BYTES} bytes (64 kB).`,
    };
  }
  if (text.trim() === '')
    return { ok: false, message: 'The compose file is empty: paste the YAML after the name.' };
  const path = `${HOME}/${name}/docker-compose.yml`;
  try {
    const yaml = parseYamlText(text, { v1: './docker-compose.yml', v2: path });
    validateFile(yaml, { v1: './docker-compose.yml', v2: path });
  } catch (e) {
    if (e instanceof ComposeError) return failure(e);
    throw e;
  }
  return { ok: true, path };
}

function failure(e: ComposeError): SaveCheck {
  // v2's wording is the shorter one; the line number leads, for the student to find it.
  const detail = e.v2.replace(/^validating \S+: /, '').replace(/^yaml: line \d+: /, '');
  return {
    ok: false,
    message: e.line ? `Line ${e.line}: ${detail}` : detail,
    ...(e.line ? { line: e.line } : {}),
  };
}

/** Saves the file into the sandbox after a full project check (dependencies, cycles). */
export function saveComposeFile(engine: Engine, name: string, text: string): SaveCheck {
  const checked = checkComposeFile(name, text);
  if (!checked.ok) return checked;
  const previous = engine.state.files[checked.path];
  engine.state.files[checked.path] = text;
  try {
    loadProject(engine, { files: [`${name}/docker-compose.yml`], style: 'v2' });
  } catch (e) {
    if (previous === undefined) delete engine.state.files[checked.path];
    else engine.state.files[checked.path] = previous;
    if (e instanceof ComposeError) return failure(e);
    throw e;
  }
  return checked;
}

/** The project directories a sandbox has: presets and the student's own. */
export function composeProjects(engine: Engine): { presets: string[]; saved: string[] } {
  const saved = Object.keys(engine.state.files)
    .map((p) => /^\/root\/([^/]+)\/docker-compose\.yml$/.exec(p)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
  return { presets: presetNames(), saved };
}
