/** `docker run` and `docker create` (also `docker container run|create`). */

import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors.ts';
import { hostFiles } from '../../host-programs/host-fs.ts';
import type { ContainerRecord } from '../../model/state.ts';
import { containerCreate, removeContainerRecord, startContainer } from '../../ops/containers.ts';
import { createWarnings } from '../../ops/create-warnings.ts';
import { logContainerEvent } from '../../ops/events.ts';
import { BadReference, findImage, parseReference, pullImage } from '../../ops/images.ts';
import type { CommandContext, LeafCommand } from '../command.ts';
import { ExitError } from '../terminal.ts';
import { buildCreateRequest, CONTAINER_FLAGS, OptsError } from './container-opts.ts';

/** The error lines `docker run` prints: `docker: <msg>.` and, for most, the help hint. */
function runError(ctx: CommandContext, msg: string, withHelp: boolean, code = 125): never {
  const text = `docker: ${msg.replace(/\.$/, '')}.${withHelp ? `\nSee '${ctx.path} --help'.` : ''}`;
  throw new ExitError(code, text);
}

/** Creates the container, pulling the image first when it is missing (as the CLI does). */
function createWithPull(ctx: CommandContext, isRun: boolean): ContainerRecord {
  const [image, ...cmd] = ctx.args as [string, ...string[]];
  const fail = (msg: string, help = true): never => {
    if (isRun) runError(ctx, msg, help);
    throw new ExitError(help ? 125 : 1, help ? `${msg}\nSee '${ctx.path} --help'.` : msg);
  };
  let req: ReturnType<typeof buildCreateRequest>;
  try {
    parseReference(image);
    const files = hostFiles(ctx.engine);
    req = buildCreateRequest(ctx.flags, image, cmd, {}, { read: files.read, isDir: files.isDir });
  } catch (e) {
    if (e instanceof BadReference) return fail(e.message);
    if (e instanceof OptsError) {
      if (e.flagStyle) throw new ExitError(125, `${e.message}\nSee '${ctx.path} --help'.`);
      return fail(e.message);
    }
    throw e;
  }
  // `CheckTty`: the sandbox host has no terminal for `-it` to attach (`-t` alone is fine).
  if (isRun && !ctx.flags.bool('detach') && ctx.flags.bool('interactive') && ctx.flags.bool('tty')) {
    throw new ExitError(1, 'the input device is not a TTY');
  }
  if (!findImage(ctx.engine, image)) {
    const ref = parseReference(image);
    const name = `${ref.repo}:${ref.tag || 'latest'}`;
    ctx.term.eprintln(`Unable to find image '${ref.tag ? name : image}' locally`);
    try {
      const res = pullImage(ctx.engine, ref);
      for (const line of res.lines) ctx.term.eprintln(line);
    } catch (e) {
      if (e instanceof EngineError) {
        if (isRun) runError(ctx, `Error response from daemon: ${e.message}`, true);
        throw new ExitError(1, `Error response from daemon: ${e.message}`);
      }
      throw e;
    }
  }
  try {
    const c = containerCreate(ctx.engine, req);
    for (const w of createWarnings(req)) ctx.term.eprintln(`WARNING: ${w}`);
    return c;
  } catch (e) {
    if (e instanceof EngineError) {
      if (isRun) runError(ctx, `Error response from daemon: ${e.message}`, true);
      throw new ExitError(e.status === 404 ? 1 : 1, `Error response from daemon: ${e.message}`);
    }
    throw e;
  }
}

const run: LeafCommand = {
  name: 'run',
  use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Run a command in a new container',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  flags: [
    ...CONTAINER_FLAGS,
    { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'sig-proxy', type: 'bool', defaultText: 'true', help: 'Proxy received signals to the process' },
  ],
  run(ctx) {
    const c = createWithPull(ctx, true);
    const detach = ctx.flags.bool('detach');
    if (detach) ctx.term.println(c.id);
    // An attached run attaches before it starts the container.
    else logContainerEvent(ctx.engine, c, 'attach');
    return startAndReport(ctx, ctx.engine, c, detach);
  },
};

function startAndReport(ctx: CommandContext, engine: Engine, c: ContainerRecord, detach: boolean): number {
  let res: ReturnType<typeof startContainer>;
  try {
    // `echo hi | docker run -i alpine cat`: what the host shell piped in is the container's stdin.
    const piped = !detach && ctx.flags.bool('interactive') && ctx.stdin ? ctx.stdin : undefined;
    res = startContainer(engine, c, detach, piped === undefined ? undefined : () => piped);
  } catch (e) {
    if (e instanceof EngineError) {
      const code = (e as EngineError & { runExitCode?: number }).runExitCode ?? 125;
      if (c.hostConfig.autoRemove) removeContainerRecord(engine, c);
      runError(ctx, `Error response from daemon: ${e.message}`, false, code);
    }
    throw e;
  }
  if (detach) return 0;
  for (const o of res.output) {
    if (o.stream === 'stdout') ctx.term.out(o.text);
    else ctx.term.err(o.text);
  }
  if (res.exitCode === null) {
    // The container keeps running attached; the chat cannot hold a terminal, so it detaches.
    return 0;
  }
  return res.exitCode;
}

const create: LeafCommand = {
  name: 'create',
  use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new container',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  flags: CONTAINER_FLAGS.filter((f) => f.name !== 'detach' && f.name !== 'rm').concat([
    { name: 'rm', type: 'bool', help: 'Automatically remove the container when it exits' },
  ]),
  run(ctx) {
    const c = createWithPull(ctx, false);
    ctx.term.println(c.id);
    return 0;
  },
};

export const runCommand = run;
export const createCommand = create;
