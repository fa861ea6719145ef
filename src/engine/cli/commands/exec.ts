/** `docker exec`: runs a program in a running container through the in-container tools. */

import { createHash } from 'node:crypto';
import { EngineError } from '../../errors.ts';
import { hostFiles } from '../../host-programs/host-fs.ts';
import { allEvents } from '../../model/events.ts';
import type { ContainerRecord } from '../../model/state.ts';
import { getContainer } from '../../ops/containers.ts';
import { logExecEnd, logExecEvent } from '../../ops/events.ts';
import { execCwdFailure } from '../../ops/exec-cwd.ts';
import { execInContainer } from '../../tools/main-process.ts';
import type { LeafCommand } from '../command.ts';
import { ExitError } from '../terminal.ts';
import { OptsError, readKeyValueFile } from './container-opts.ts';

export const execCommand: LeafCommand = {
  name: 'exec',
  use: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  short: 'Run a command in a running container',
  args: { kind: 'min', n: 2 },
  interspersed: false,
  flags: [
    { name: 'detach', short: 'd', type: 'bool', help: 'Detached mode: run command in the background' },
    { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
    { name: 'env-file', type: 'list', help: 'Read in a file of environment variables' },
    { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
    { name: 'privileged', type: 'bool', help: 'Give extended privileges to the command' },
    { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
    { name: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container' },
  ],
  run(ctx) {
    const [term, ...argv] = ctx.args as [string, ...string[]];
    // `parseExec` reads the env files first: a missing one stops before any request.
    const env: string[] = [];
    try {
      const files = hostFiles(ctx.engine);
      for (const file of ctx.flags.list('env-file')) {
        env.push(...readKeyValueFile({ read: files.read, isDir: files.isDir }, file, {}));
      }
    } catch (e) {
      if (e instanceof OptsError) throw new ExitError(1, e.message);
      throw e;
    }
    env.push(...ctx.flags.list('env').filter((e) => e.includes('=')));
    let c: ContainerRecord;
    try {
      c = getContainer(ctx.engine, term);
    } catch (e) {
      if (e instanceof EngineError && e.status === 404) {
        ctx.term.eprintln(`Error: No such container: ${term}`);
        return 1;
      }
      throw e;
    }
    // The sandbox host has no terminal: `-it` cannot attach one (`CheckTty`, after the inspect).
    if (ctx.flags.bool('interactive') && ctx.flags.bool('tty') && !ctx.flags.bool('detach')) {
      throw new ExitError(1, 'the input device is not a TTY');
    }
    // The daemon's exec instance: its ID only shows in events here (derived, so the sandbox's
    // ID sequence is not used up by execs the CLI runs in process).
    const execId = createHash('sha256')
      .update(`${c.id}\0${argv.join(' ')}\0${ctx.engine.nowMs()}\0${allEvents(ctx.engine).length}`)
      .digest('hex');
    const started = c.status === 'running';
    if (started) {
      logExecEvent(ctx.engine, c, execId, argv, 'exec_create');
      logExecEvent(ctx.engine, c, execId, argv, 'exec_start');
    }
    try {
      const badCwd =
        c.status === 'running' && ctx.flags.string('workdir')
          ? execCwdFailure(c, ctx.flags.string('workdir'))
          : null;
      const res =
        badCwd ??
        execInContainer(ctx.engine, c, argv, {
          env,
          workdir: ctx.flags.string('workdir'),
          ...(ctx.flags.has('user') ? { user: ctx.flags.string('user') } : {}),
          tty: ctx.flags.bool('tty'),
          detach: ctx.flags.bool('detach'),
          // `echo hi | docker exec -i c cat`: what the host shell piped in is the exec's stdin.
          ...(ctx.flags.bool('interactive') && ctx.stdin ? { stdin: ctx.stdin } : {}),
          ref: term,
        });
      if (started) logExecEnd(ctx.engine, c, execId, argv, res);
      if (ctx.flags.bool('detach')) return 0;
      for (const chunk of res.chunks) {
        // A terminal (-t) carries both streams on one.
        if (chunk.stream === 'stdout' || ctx.flags.bool('tty')) ctx.term.out(chunk.text);
        else ctx.term.err(chunk.text);
      }
      return res.exitCode;
    } catch (e) {
      if (e instanceof EngineError) {
        ctx.term.eprintln(`Error response from daemon: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
