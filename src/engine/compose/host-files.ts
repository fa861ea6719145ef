/**
 * The sandbox host's files as compose sees them: what students saved (`EngineState.files`, by
 * absolute path) over the course presets (`prompts/compose/<name>/*`, shown as `/root/<name>/*`).
 * Presets are read from disk, not copied into each sandbox, so a fixed preset reaches everyone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine.ts';

/** The sandbox host's working directory (`cd` is not available: commands run from here). */
export const HOME = '/root';

export const PRESETS_DIR = join(import.meta.dirname, '..', '..', '..', 'prompts', 'compose');

let presetCache: Map<string, string> | null = null;

/** Preset files by sandbox path (`/root/myapp/docker-compose.yml` -> text). */
export function presetFiles(): ReadonlyMap<string, string> {
  if (presetCache) return presetCache;
  const out = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(PRESETS_DIR).sort();
  } catch {
    names = [];
  }
  for (const name of names) {
    const dir = join(PRESETS_DIR, name);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      const full = join(dir, file);
      if (statSync(full).isFile()) out.set(`${HOME}/${name}/${file}`, readFileSync(full, 'utf8'));
    }
  }
  presetCache = out;
  return out;
}

/** Names of the preset projects (`myapp`, ...). */
export function presetNames(): string[] {
  const names = new Set<string>();
  for (const path of presetFiles().keys()) names.add(path.split('/')[2]!);
  return [...names].sort();
}

/** `a/../b` and `./x` resolved against `cwd`, as a shell path. */
export function resolvePath(cwd: string, path: string): string {
  const p = path.startsWith('~/') ? `${HOME}/${path.slice(2)}` : path === '~' ? HOME : path;
  const abs = p.startsWith('/') ? p : `${cwd.replace(/\/$/, '')}/${p}`;
  const parts: string[] = [];
  for (const seg of abs.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

export function readHostFile(engine: Engine, path: string): string | null {
  const saved = engine.state.files[path];
  if (saved !== undefined) return saved;
  return presetFiles().get(path) ?? null;
}

export function writeHostFile(engine: Engine, path: string, text: string): void {
  engine.state.files[path] = text;
}

/** Whether `path` is a directory: some file lives below it. */
export function isHostDir(engine: Engine, path: string): boolean {
  if (path === '/' || path === HOME) return true;
  const prefix = `${path.replace(/\/$/, '')}/`;
  if (Object.keys(engine.state.files).some((f) => f.startsWith(prefix))) return true;
  for (const f of presetFiles().keys()) if (f.startsWith(prefix)) return true;
  return false;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
