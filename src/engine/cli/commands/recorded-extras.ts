/**
 * Cheap, exact answers for commands the simulator only knows from the recorded CLI (see
 * `implementRecorded`): swarm-only objects outside a swarm, empty plugin and context lists,
 * prunes, and the "no such container" errors of top/diff/cp. Anything beyond that still gets
 * the honest "not available in this sandbox". Texts from test/golden/87-unavailable-commands.
 */
import { EngineError } from '../../errors.ts';
import { containersPrune, getContainer } from '../../ops/containers.ts';
import { networksPrune } from '../../ops/networks.ts';
import { type CommandContext, implementRecorded, notAvailable } from '../command.ts';

const NOT_MANAGER =
  'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

const swarmOnly = (ctx: CommandContext) => {
  if (ctx.engine.state.swarm) return notAvailable(ctx);
  ctx.term.eprintln(NOT_MANAGER);
  return 1;
};
for (const group of ['stack', 'config', 'secret']) {
  for (const sub of ['ls', 'inspect', 'rm', 'create', 'ps', 'services', 'deploy']) {
    implementRecorded(`docker ${group} ${sub}`, swarmOnly);
  }
}

implementRecorded('docker plugin ls', (ctx) => {
  ctx.term.println(ctx.flags.bool('quiet') ? '' : 'ID        NAME      DESCRIPTION   ENABLED');
  return 0;
});

implementRecorded('docker context ls', (ctx) => {
  if (ctx.flags.bool('quiet')) ctx.term.println('default');
  else
    ctx.term.out(
      'NAME        DESCRIPTION                               DOCKER ENDPOINT               KUBERNETES ENDPOINT   ORCHESTRATOR\n' +
        'default *   Current DOCKER_HOST based configuration   unix:///var/run/docker.sock                         swarm\n',
    );
  return 0;
});

implementRecorded('docker system prune', (ctx) => {
  if (!ctx.flags.bool('force')) {
    ctx.term.out(
      'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - all dangling build cache\n\nAre you sure you want to continue? [y/N] ',
    );
    return 0;
  }
  const containers = containersPrune(ctx.engine);
  const networks = networksPrune(ctx.engine);
  if (containers.length) ctx.term.out(`Deleted Containers:\n${containers.map((c) => `${c}\n`).join('')}\n`);
  if (networks.length) ctx.term.out(`Deleted Networks:\n${networks.map((n) => `${n}\n`).join('')}\n`);
  ctx.term.println('Total reclaimed space: 0B');
  return 0;
});

const builderPrune = (ctx: CommandContext) => {
  if (!ctx.flags.bool('force')) {
    ctx.term.out(
      'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ',
    );
    return 0;
  }
  ctx.term.println('Total reclaimed space: 0B');
  return 0;
};
implementRecorded('docker builder prune', builderPrune);

/** A container that must exist before the sandbox can say it cannot do the rest. */
const needsContainer = (ctx: CommandContext) => {
  try {
    getContainer(ctx.engine, ctx.args[0]!);
  } catch (e) {
    if (e instanceof EngineError) {
      ctx.term.eprintln(`Error response from daemon: ${e.message}`);
      return 1;
    }
    throw e;
  }
  return notAvailable(ctx);
};
for (const p of ['docker top', 'docker container top', 'docker diff', 'docker container diff'])
  implementRecorded(p, needsContainer);

const cp = (ctx: CommandContext) => {
  const withContainer = ctx.args.find((a) => /^[^/.][^:]*:/.test(a));
  if (withContainer) {
    const name = withContainer.slice(0, withContainer.indexOf(':'));
    try {
      getContainer(ctx.engine, name);
    } catch (e) {
      if (e instanceof EngineError) {
        ctx.term.eprintln(`Error: No such container:path: ${withContainer}`);
        return 1;
      }
      throw e;
    }
  }
  return notAvailable(ctx);
};
implementRecorded('docker cp', cp);
implementRecorded('docker container cp', cp);

/** `docker events` with `--until` returns what happened in that window; the sandbox keeps no event log. */
const events = (ctx: CommandContext) => (ctx.flags.string('until') ? 0 : notAvailable(ctx));
implementRecorded('docker events', events);
implementRecorded('docker system events', events);
