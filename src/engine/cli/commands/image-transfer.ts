/**
 * `docker save` and `docker load` (also under `docker image`): images to and from tar files on the
 * sandbox host (`-o`/`-i`, else stdout/stdin), as the 20.10 CLI runs them (`RunSave`, `runLoad`).
 * A tar is kept among the host's files as a binary (latin1) string.
 */
import { resolvePath } from '../../compose/host-files.ts';
import { EngineError } from '../../errors.ts';
import { hostFiles } from '../../host-programs/host-fs.ts';
import { LoadError, loadImages, saveImages } from '../../ops/image-transfer.ts';
import { type CommandContext, implementRecorded } from '../command.ts';
import { ExitError } from '../terminal.ts';

/** The shell the CLI runs from sits in `/`. */
const hostPath = (p: string) => resolvePath('/', p);

/** `os.CreateTemp`'s random suffix, stable per sandbox. */
const tempSuffix = (ctx: CommandContext) => String(1_000_000_000 + ctx.engine.ids.int(3_000_000_000));

const save = (ctx: CommandContext): number => {
  const output = ctx.flags.string('output');
  const files = hostFiles(ctx.engine);
  if (output) {
    // `ValidateOutputPath`: the file's directory must exist.
    const path = hostPath(output);
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const given = output.includes('/') ? output.slice(0, output.lastIndexOf('/')) || '/' : '.';
    if (given !== '.' && !files.isDir(dir)) {
      throw new ExitError(
        1,
        `failed to save image: invalid output path: directory "${given}" does not exist`,
      );
    }
  }
  let tar: Buffer;
  try {
    tar = saveImages(ctx.engine, ctx.args);
  } catch (e) {
    if (e instanceof EngineError) throw new ExitError(1, `Error response from daemon: ${e.message}`);
    throw e;
  }
  if (!output) {
    ctx.term.out(tar.toString('latin1'));
    return 0;
  }
  const path = hostPath(output);
  if (files.isDir(path)) {
    // `CopyToFile` writes a temporary file beside the target, then renames it over the target.
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const tmp = `${dir === '/' ? '' : dir}/.docker_temp_${tempSuffix(ctx)}`;
    throw new ExitError(1, `rename ${tmp} ${output}: file exists`);
  }
  files.write(path, tar.toString('latin1'));
  return 0;
};

const load = (ctx: CommandContext): number => {
  const input = ctx.flags.string('input');
  let body: Buffer;
  if (input) {
    const files = hostFiles(ctx.engine);
    const path = hostPath(input);
    if (files.isDir(path)) {
      throw new ExitError(
        1,
        `error during connect: Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/images/load?quiet=1": read ${input}: is a directory`,
      );
    }
    const text = files.read(path);
    if (text === null) throw new ExitError(1, `open ${input}: no such file or directory`);
    body = Buffer.from(text, 'latin1');
  } else {
    body = Buffer.from(ctx.stdin ?? '', 'latin1');
  }
  try {
    for (const line of loadImages(ctx.engine, body)) ctx.term.println(line);
    return 0;
  } catch (e) {
    // The daemon's error comes in the JSON stream: the CLI prints its message alone.
    if (e instanceof LoadError) throw new ExitError(1, e.message);
    throw e;
  }
};

implementRecorded('docker save', save);
implementRecorded('docker image save', save);
implementRecorded('docker load', load);
implementRecorded('docker image load', load);
