/**
 * The working directory of an exec (`docker exec -w`), as runc treats it: a directory the
 * container does not have cannot be entered, and the exec fails before its program runs.
 */
import type { ContainerRecord } from '../model/state.ts';
import { isDir, normalizePath } from '../tools/fs.ts';
import type { ExecResult } from '../tools/main-process.ts';

/**
 * runc's answer when the exec's working directory (`-w`) is not a directory in the container: it
 * cannot chdir there, and the exec fails with 126 before the program runs. Null when it can.
 */
export function execCwdFailure(c: ContainerRecord, workdir: string): ExecResult | null {
  if (!workdir.startsWith('/')) return null;
  const path = normalizePath('/', workdir);
  if (isDir(c, path)) return null;
  const why = c.files?.[path] !== undefined ? 'not a directory' : 'no such file or directory';
  const text = `OCI runtime exec failed: exec failed: unable to start container process: chdir to cwd (${JSON.stringify(workdir)}) set in config.json failed: ${why}: unknown\n`;
  return { stdout: text, stderr: '', combined: text, chunks: [{ stream: 'stdout', text }], exitCode: 126 };
}
