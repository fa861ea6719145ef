/**
 * Container lifecycle commands (`start`, `stop`, `restart`, `kill`, `rm`, `rename`, `pause`,
 * `unpause`, `wait`, `logs`, `port`, `inspect`, `prune`) and the `docker container` group.
 */

import { EngineError } from '../../errors.ts';
import type { ContainerRecord, LogLine } from '../../model/state.ts';
import {
  containerKill,
  containerPause,
  containerRemove,
  containerRename,
  containerRestart,
  containerStart,
  containerStop,
  containersPrune,
  containerUnpause,
  containerWait,
  getContainer,
  isBeingRemoved,
  isRunning,
} from '../../ops/containers.ts';
import { cliEventTimestamp, logContainerEvent } from '../../ops/events.ts';
import { logTail, logTimeNanos, logTimestamp, readLogs } from '../../ops/logs.ts';
import { containerView } from '../../views/container-view.ts';
import type { CommandContext, GroupCommand, LeafCommand } from '../command.ts';
import { inspectObjects, printDaemonError, printNoSuchOrDaemonError } from '../common.ts';
import { registerCommand } from '../docker.ts';
import { filterFlag } from '../flags.ts';
import { ExitError } from '../terminal.ts';
import { execCommand } from './exec.ts';
import { lsCommand, psCommand } from './ps.ts';
import { createCommand, runCommand } from './run.ts';

const daemonError = (e: unknown): string => {
  if (e instanceof EngineError) return `Error response from daemon: ${e.message}`;
  throw e;
};

/** Runs `op` for each argument, printing the argument on success (as docker does). */
function eachContainer(
  ctx: CommandContext,
  op: (term: string) => void,
  summary?: (failed: string[]) => string,
): number {
  const failed: string[] = [];
  for (const term of ctx.args) {
    try {
      op(term);
      ctx.term.println(term);
    } catch (e) {
      ctx.term.eprintln(daemonError(e));
      failed.push(term);
    }
  }
  if (failed.length && summary) ctx.term.eprintln(summary(failed));
  return failed.length ? 1 : 0;
}

/** The container `term` names, or undefined after printing the CLI's `No such container` line. */
function containerOrNoSuch(ctx: CommandContext, term: string): ContainerRecord | undefined {
  try {
    return getContainer(ctx.engine, term);
  } catch (e) {
    if (e instanceof EngineError && e.status === 404) {
      ctx.term.eprintln(`Error: No such container: ${term}`);
      return undefined;
    }
    throw e;
  }
}

const timeFlag = {
  name: 'time',
  short: 't',
  type: 'int' as const,
  defaultText: '10',
  help: 'Seconds to wait for stop before killing it',
};

const start: LeafCommand = {
  name: 'start',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Start one or more stopped containers',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'attach', short: 'a', type: 'bool', help: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'interactive', short: 'i', type: 'bool', help: "Attach container's STDIN" },
  ],
  run(ctx) {
    if (ctx.flags.bool('attach')) {
      const term = ctx.args[0]!;
      try {
        // The CLI attaches, then starts.
        logContainerEvent(ctx.engine, getContainer(ctx.engine, term), 'attach');
        const res = containerStart(ctx.engine, term);
        for (const o of res?.output ?? []) {
          if (o.stream === 'stdout') ctx.term.out(o.text);
          else ctx.term.err(o.text);
        }
        return res?.exitCode ?? 0;
      } catch (e) {
        ctx.term.eprintln(daemonError(e));
        return 1;
      }
    }
    return eachContainer(
      ctx,
      (t) => void containerStart(ctx.engine, t, true),
      (failed) => `Error: failed to start containers: ${failed.join(', ')}`,
    );
  },
};

const stop: LeafCommand = {
  name: 'stop',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Stop one or more running containers',
  args: { kind: 'min', n: 1 },
  flags: [timeFlag],
  run(ctx) {
    return eachContainer(ctx, (t) => void containerStop(ctx.engine, t));
  },
};

const restart: LeafCommand = {
  name: 'restart',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  args: { kind: 'min', n: 1 },
  flags: [timeFlag],
  run(ctx) {
    return eachContainer(ctx, (t) => void containerRestart(ctx.engine, t));
  },
};

const kill: LeafCommand = {
  name: 'kill',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  args: { kind: 'min', n: 1 },
  flags: [
    {
      name: 'signal',
      short: 's',
      type: 'string',
      defaultText: '"KILL"',
      help: 'Signal to send to the container',
    },
  ],
  run(ctx) {
    return eachContainer(ctx, (t) => containerKill(ctx.engine, t, ctx.flags.string('signal', 'KILL')));
  },
};

const pause: LeafCommand = {
  name: 'pause',
  use: 'CONTAINER [CONTAINER...]',
  short: 'Pause all processes within one or more containers',
  args: { kind: 'min', n: 1 },
  flags: [],
  run(ctx) {
    return eachContainer(ctx, (t) => containerPause(ctx.engine, t));
  },
};

const unpause: LeafCommand = {
  name: 'unpause',
  use: 'CONTAINER [CONTAINER...]',
  short: 'Unpause all processes within one or more containers',
  args: { kind: 'min', n: 1 },
  flags: [],
  run(ctx) {
    return eachContainer(ctx, (t) => containerUnpause(ctx.engine, t));
  },
};

const rm: LeafCommand = {
  name: 'rm',
  aliases: ['remove'],
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  args: { kind: 'min', n: 1 },
  flags: [
    {
      name: 'force',
      short: 'f',
      type: 'bool',
      help: 'Force the removal of a running container (uses SIGKILL)',
    },
    { name: 'link', short: 'l', type: 'bool', help: 'Remove the specified link' },
    {
      name: 'volumes',
      short: 'v',
      type: 'bool',
      help: 'Remove anonymous volumes associated with the container',
    },
  ],
  run(ctx) {
    const force = ctx.flags.bool('force');
    let status = 0;
    for (const term of ctx.args) {
      try {
        containerRemove(ctx.engine, term, force, ctx.flags.bool('volumes'));
        ctx.term.println(term);
      } catch (e) {
        const missing = printNoSuchOrDaemonError(ctx, e, 'container', term);
        // `rm -f` of something already gone is not a failure.
        if (!missing || !force) status = 1;
      }
    }
    return status;
  },
};

const rename: LeafCommand = {
  name: 'rename',
  use: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  args: { kind: 'exact', n: 2 },
  flags: [],
  run(ctx) {
    const [from, to] = ctx.args as [string, string];
    if (to.trim() === '') {
      ctx.term.eprintln('Error: Neither old nor new names may be empty');
      return 1;
    }
    try {
      containerRename(ctx.engine, from, to);
      return 0;
    } catch (e) {
      ctx.term.eprintln(daemonError(e));
      ctx.term.eprintln(`Error: failed to rename container named ${from}`);
      return 1;
    }
  },
};

const wait: LeafCommand = {
  name: 'wait',
  use: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  args: { kind: 'min', n: 1 },
  flags: [],
  run(ctx) {
    let status = 0;
    for (const term of ctx.args) {
      try {
        ctx.term.println(String(containerWait(ctx.engine, term)));
      } catch (e) {
        ctx.term.eprintln(daemonError(e));
        status = 1;
      }
    }
    return status;
  },
};

const logs: LeafCommand = {
  name: 'logs',
  use: '[OPTIONS] CONTAINER',
  short: 'Fetch the logs of a container',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'details', type: 'bool', help: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', type: 'bool', help: 'Follow log output' },
    {
      name: 'since',
      type: 'string',
      help: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)',
    },
    {
      name: 'tail',
      short: 'n',
      type: 'string',
      defaultText: '"all"',
      help: 'Number of lines to show from the end of the logs',
    },
    { name: 'timestamps', short: 't', type: 'bool', help: 'Show timestamps' },
    {
      name: 'until',
      type: 'string',
      help: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)',
    },
  ],
  run(ctx) {
    const c = containerOrNoSuch(ctx, ctx.args[0]!);
    if (!c) return 1;
    if (isBeingRemoved(c)) {
      ctx.term.eprintln(
        'Error response from daemon: can not get logs from container which is dead or marked for removal',
      );
      return 1;
    }
    // The client turns --since/--until into Unix times (see cli/commands/events.ts on durations).
    const now = ctx.engine.nowMs();
    const times = ['since', 'until'].map((flag) => {
      const value = ctx.flags.string(flag);
      return value === '' ? '' : cliEventTimestamp(value, now);
    });
    for (const t of times) if (t instanceof Error) throw new ExitError(1, t.message);
    const [since = '', until = ''] = times as string[];
    let lines: LogLine[];
    try {
      lines = readLogs(c, {
        tail: logTail(ctx.flags.string('tail', 'all')),
        since: logTimeNanos(since),
        until: until === '0' ? null : logTimeNanos(until),
      });
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    for (const l of lines) {
      const text = ctx.flags.bool('timestamps') ? `${logTimestamp(l.time)} ${l.text}` : l.text;
      if (l.stream === 'stdout') ctx.term.out(text);
      else ctx.term.err(text);
    }
    return 0;
  },
};

const port: LeafCommand = {
  name: 'port',
  use: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  short: 'List port mappings or a specific mapping for the container',
  args: { kind: 'range', min: 1, max: 2 },
  flags: [],
  run(ctx) {
    const c = containerOrNoSuch(ctx, ctx.args[0]!);
    if (!c) return 1;
    const bound = isRunning(c) ? c.boundPorts : {};
    const fmt = (b: { hostIp: string; hostPort: string }) => `${b.hostIp || '0.0.0.0'}:${b.hostPort}`;
    if (ctx.args[1]) {
      const want = ctx.args[1].includes('/') ? ctx.args[1] : `${ctx.args[1]}/tcp`;
      // nat.NewPort parses the number first; its strconv error is printed as it is.
      const bad = portNumberError(want.split('/')[0]!);
      if (bad) {
        ctx.term.eprintln(bad);
        return 1;
      }
      const list = bound[want] ?? [];
      if (!list.length) {
        ctx.term.eprintln(`Error: No public port '${want}' published for ${ctx.args[0]}`);
        return 1;
      }
      for (const b of list) ctx.term.println(fmt(b));
      return 0;
    }
    for (const key of Object.keys(bound).sort()) {
      for (const b of bound[key]!) ctx.term.println(`${key} -> ${fmt(b)}`);
    }
    return 0;
  },
};

/** go-connections' ParsePortRange as `docker port` meets it: the error text, or null. */
function portNumberError(raw: string): string | null {
  if (raw === '') return 'Empty string specified for ports.';
  for (const part of raw.includes('-') ? raw.split('-', 2) : [raw]) {
    if (!/^[0-9]+$/.test(part)) return `strconv.ParseUint: parsing ${JSON.stringify(part)}: invalid syntax`;
    if (Number(part) > 65535) return `strconv.ParseUint: parsing ${JSON.stringify(part)}: value out of range`;
  }
  return null;
}

const inspect: LeafCommand = {
  name: 'inspect',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Display detailed information on one or more containers',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
    { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
  ],
  run(ctx) {
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (term) => {
      try {
        return containerView(ctx.engine, getContainer(ctx.engine, term), ctx.flags.bool('size'));
      } catch (e) {
        if (e instanceof EngineError && e.status === 404)
          return { notFound: `Error: No such container: ${term}` };
        throw e;
      }
    });
  },
};

const prune: LeafCommand = {
  name: 'prune',
  use: '[OPTIONS]',
  short: 'Remove all stopped containers',
  args: { kind: 'none' },
  flags: [
    filterFlag("Provide filter values (e.g. 'until=<timestamp>')"),
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  run(ctx) {
    if (!ctx.flags.bool('force')) {
      ctx.term.out(
        'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ',
      );
      return 0;
    }
    const removed = containersPrune(ctx.engine);
    if (removed.length) ctx.term.println(`Deleted Containers:\n${removed.join('\n')}\n`);
    ctx.term.println('Total reclaimed space: 0B');
    return 0;
  },
};

const asChild = (cmd: LeafCommand, name = cmd.name): LeafCommand => ({ ...cmd, name });

export const containerGroup: GroupCommand = {
  name: 'container',
  short: 'Manage containers',
  children: [
    asChild(createCommand),
    asChild(execCommand),
    asChild(inspect),
    asChild(kill),
    asChild(logs),
    asChild(lsCommand),
    asChild(pause),
    asChild(port),
    asChild(prune),
    asChild(rename),
    asChild(restart),
    asChild(rm),
    asChild(runCommand),
    asChild(start),
    asChild(stop),
    asChild(unpause),
    asChild(wait),
  ],
};

registerCommand(containerGroup);
for (const cmd of [
  runCommand,
  createCommand,
  execCommand,
  psCommand,
  start,
  stop,
  restart,
  kill,
  pause,
  unpause,
  rm,
  rename,
  wait,
  logs,
  port,
]) {
  registerCommand(cmd);
}
