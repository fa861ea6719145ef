/** `docker swarm init|join|join-token|leave`. */
import { EngineError, unavailable } from '../../errors.ts';
import { parseCidr } from '../../ipam.ts';
import {
  requireManager,
  rotateJoinToken,
  swarmInit,
  swarmJoin,
  swarmLeave,
  swarmUpdate,
} from '../../ops/swarm.ts';
import type { CommandContext, LeafCommand } from '../command.ts';
import { printDaemonError } from '../common.ts';
import { registerCommand } from '../docker.ts';
import type { FlagSpec } from '../flags.ts';

function joinCommandText(ctx: CommandContext, worker: boolean, manager: boolean): string {
  const swarm = requireManager(ctx.engine);
  let text = '';
  if (worker) {
    text += `To add a worker to this swarm, run the following command:\n\n    docker swarm join --token ${swarm.workerToken} ${swarm.advertiseAddr}\n\n`;
  }
  if (manager) {
    text += `To add a manager to this swarm, run the following command:\n\n    docker swarm join --token ${swarm.managerToken} ${swarm.advertiseAddr}\n\n`;
  }
  return text;
}

/** The swarm spec flags `init` and `update` share (the CLI's addSwarmFlags). */
const swarmSpecFlags: FlagSpec[] = [
  {
    name: 'cert-expiry',
    type: 'duration',
    defaultText: '2160h0m0s',
    help: 'Validity period for node certificates (ns|us|ms|s|m|h)',
  },
  {
    name: 'dispatcher-heartbeat',
    type: 'duration',
    defaultText: '5s',
    help: 'Dispatcher heartbeat period (ns|us|ms|s|m|h)',
  },
  {
    name: 'external-ca',
    type: { repeatable: true, typeName: 'external-ca' },
    help: 'Specifications of one or more certificate signing endpoints',
  },
  { name: 'max-snapshots', type: 'uint', help: 'Number of additional Raft snapshots to retain' },
  {
    name: 'snapshot-interval',
    type: 'uint',
    defaultText: '10000',
    help: 'Number of log entries between Raft snapshots',
  },
  { name: 'task-history-limit', type: 'int', defaultText: '5', help: 'Task history retention limit' },
];

const init: LeafCommand = {
  name: 'init',
  use: '[OPTIONS]',
  short: 'Initialize a swarm',
  args: { kind: 'none' },
  flags: [
    { name: 'advertise-addr', type: 'string', help: 'Advertised address (format: <ip|interface>[:port])' },
    {
      name: 'autolock',
      type: 'bool',
      help: 'Enable manager autolocking (requiring an unlock key to start a stopped manager)',
    },
    {
      name: 'availability',
      type: 'string',
      defaultText: '"active"',
      help: 'Availability of the node ("active"|"pause"|"drain")',
    },
    {
      name: 'data-path-addr',
      type: 'string',
      help: 'Address or interface to use for data path traffic (format: <ip|interface>)',
    },
    {
      name: 'data-path-port',
      type: 'uint',
      help: 'Port number to use for data path traffic (1024 - 49151). If no value is set or is set to 0, the default port (4789) is used.',
    },
    {
      name: 'default-addr-pool',
      type: { repeatable: true, typeName: 'ipNetSlice' },
      defaultText: '[]',
      help: 'default address pool in CIDR format',
    },
    {
      name: 'default-addr-pool-mask-length',
      type: 'uint',
      defaultText: '24',
      help: 'default address pool subnet mask length',
    },
    { name: 'force-new-cluster', type: 'bool', help: 'Force create a new cluster from current state' },
    {
      name: 'listen-addr',
      type: 'string',
      defaultText: '0.0.0.0:2377',
      help: 'Listen address (format: <ip|interface>[:port])',
    },
    ...swarmSpecFlags,
  ],
  run(ctx) {
    // pflag's ipNetSlice parses each value (comma-separated) while flags are read.
    const pools = ctx.flags.list('default-addr-pool').flatMap((v) => v.split(','));
    for (const pool of pools) {
      const cidr = parseCidr(pool.trim());
      if (!cidr || cidr.v6 !== pool.includes(':')) {
        const value = ctx.flags.list('default-addr-pool').find((v) => v.split(',').includes(pool));
        ctx.term.eprintln(
          `invalid argument "${value}" for "--default-addr-pool" flag: invalid string being converted to CIDR: ${pool}\nSee '${ctx.path} --help'.`,
        );
        return 125;
      }
    }
    const availability = ctx.flags.string('availability');
    if (ctx.flags.has('availability') && !['active', 'pause', 'drain'].includes(availability.toLowerCase())) {
      ctx.term.eprintln(`invalid availability "${availability}", only active, pause and drain are supported`);
      return 1;
    }
    try {
      const nodeId = swarmInit(ctx.engine, {
        AdvertiseAddr: ctx.flags.string('advertise-addr'),
        ...(pools.length ? { DefaultAddrPool: pools } : {}),
        SubnetSize: ctx.flags.has('default-addr-pool-mask-length')
          ? ctx.flags.int('default-addr-pool-mask-length')
          : 24,
      });
      ctx.term.out(`Swarm initialized: current node (${nodeId}) is now a manager.\n\n`);
      ctx.term.out(joinCommandText(ctx, true, false));
      ctx.term.out(
        "To add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n",
      );
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const join: LeafCommand = {
  name: 'join',
  use: '[OPTIONS] HOST:PORT',
  short: 'Join a swarm as a node and/or manager',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'advertise-addr', type: 'string', help: 'Advertised address (format: <ip|interface>[:port])' },
    {
      name: 'availability',
      type: 'string',
      defaultText: '"active"',
      help: 'Availability of the node ("active"|"pause"|"drain")',
    },
    {
      name: 'data-path-addr',
      type: 'string',
      help: 'Address or interface to use for data path traffic (format: <ip|interface>)',
    },
    {
      name: 'listen-addr',
      type: 'string',
      defaultText: '0.0.0.0:2377',
      help: 'Listen address (format: <ip|interface>[:port])',
    },
    { name: 'token', type: 'string', help: 'Token for entry into the swarm' },
  ],
  run(ctx) {
    try {
      swarmJoin(ctx.engine, { RemoteAddrs: [ctx.args[0]!], JoinToken: ctx.flags.string('token') });
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const joinToken: LeafCommand = {
  name: 'join-token',
  use: '[OPTIONS] (worker|manager)',
  short: 'Manage join tokens',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display token' },
    { name: 'rotate', type: 'bool', help: 'Rotate join token' },
  ],
  run(ctx) {
    const role = ctx.args[0]!;
    const worker = role === 'worker';
    const manager = role === 'manager';
    if (!worker && !manager) {
      ctx.term.eprintln(`unknown role ${role}`);
      return 1;
    }
    try {
      const swarm = requireManager(ctx.engine);
      if (ctx.flags.bool('rotate')) {
        rotateJoinToken(ctx.engine, worker ? 'worker' : 'manager');
        if (!ctx.flags.bool('quiet')) ctx.term.out(`Successfully rotated ${role} join token.\n\n`);
      }
      if (ctx.flags.bool('quiet')) {
        ctx.term.println(worker ? swarm.workerToken : swarm.managerToken);
        return 0;
      }
      ctx.term.out(joinCommandText(ctx, worker, manager));
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const leave: LeafCommand = {
  name: 'leave',
  use: '[OPTIONS]',
  short: 'Leave the swarm',
  args: { kind: 'none' },
  flags: [
    {
      name: 'force',
      short: 'f',
      type: 'bool',
      help: 'Force this node to leave the swarm, ignoring warnings',
    },
  ],
  run(ctx) {
    try {
      swarmLeave(ctx.engine, ctx.flags.bool('force'));
      ctx.term.println('Node left the swarm.');
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const update: LeafCommand = {
  name: 'update',
  use: '[OPTIONS]',
  short: 'Update the swarm',
  args: { kind: 'none' },
  flags: [
    { name: 'autolock', type: 'bool', help: 'Change manager autolocking setting (true|false)' },
    ...swarmSpecFlags,
  ],
  run(ctx) {
    try {
      if (ctx.flags.has('autolock')) {
        requireManager(ctx.engine);
        throw unavailable('autolock is not available in this sandbox');
      }
      swarmUpdate(
        ctx.engine,
        ctx.flags.has('task-history-limit') ? { taskHistoryLimit: ctx.flags.int('task-history-limit') } : {},
      );
      ctx.term.println('Swarm updated.');
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const unlockKey: LeafCommand = {
  name: 'unlock-key',
  use: '[OPTIONS]',
  short: 'Manage the unlock key',
  args: { kind: 'none' },
  flags: [
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display token' },
    { name: 'rotate', type: 'bool', help: 'Rotate unlock key' },
  ],
  run(ctx) {
    // Autolock is never on here: there is no key to show or rotate (the CLI's own errors).
    if (ctx.flags.bool('rotate')) {
      try {
        requireManager(ctx.engine);
      } catch (e) {
        return printDaemonError(ctx, e);
      }
      ctx.term.eprintln('cannot rotate because autolock is not turned on');
      return 1;
    }
    try {
      requireManager(ctx.engine);
    } catch (e) {
      if (e instanceof EngineError) {
        ctx.term.eprintln(`could not fetch unlock key: Error response from daemon: ${e.message}`);
        return 1;
      }
      throw e;
    }
    ctx.term.eprintln('no unlock key is set');
    return 1;
  },
};

registerCommand({
  name: 'swarm',
  short: 'Manage Swarm',
  children: [init, join, joinToken, leave, unlockKey, update],
});
