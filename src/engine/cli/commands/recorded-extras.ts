/**
 * Cheap, exact answers for commands the simulator only knows from the recorded CLI (see
 * `implementRecorded`): empty plugin and context lists,
 * prunes, top and diff (the daemon's answers, `ops/container-inspection.ts`), and the "no such
 * container" error of cp. Anything beyond that still gets
 * the honest "not available in this sandbox". Texts from test/golden/87-unavailable-commands.
 * Stacks, secrets and configs have their own modules (`stack.ts`, `secret.ts`), imported here.
 */
import { EngineError } from '../../errors.ts';
import { containerChanges, containerTop } from '../../ops/container-inspection.ts';
import { containersPrune, getContainer, isRunning } from '../../ops/containers.ts';
import { pruneImages } from '../../ops/images.ts';
import { networksPrune } from '../../ops/networks.ts';
import { buildCachePrune, diskUsage } from '../../ops/system.ts';
import { volumesPrune } from '../../ops/volumes.ts';
import { humanSize } from '../../views/human-units.ts';
import { type CommandContext, implementRecorded, notAvailable } from '../command.ts';
import { parseFilters, printDaemonError } from '../common.ts';
import { DOCKER_TABLE, tabwrite } from '../format/tabwriter.ts';
// Swarm-only objects (stacks, secrets, configs) have their own modules.
import './secret.ts';
import './stack.ts';

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

/** `docker system prune`: containers, networks, volumes with `--volumes`, images, build cache, in the CLI's order. */
implementRecorded('docker system prune', (ctx) => {
  const all = ctx.flags.bool('all');
  const volumes = ctx.flags.bool('volumes');
  if (!ctx.flags.bool('force')) {
    const warnings = [
      'all stopped containers',
      'all networks not used by at least one container',
      ...(volumes ? ['all volumes not used by at least one container'] : []),
      all ? 'all images without at least one container associated to them' : 'all dangling images',
      all ? 'all build cache' : 'all dangling build cache',
    ];
    ctx.term.out(
      `WARNING! This will remove:\n${warnings.map((w) => `  - ${w}\n`).join('')}\nAre you sure you want to continue? [y/N] `,
    );
    return 0;
  }
  // The container prune reclaims what the removed containers wrote.
  const written = diskUsage(ctx.engine)
    .containers.filter(({ container }) => !isRunning(container))
    .reduce((n, { sizeRw }) => n + sizeRw, 0);
  const containers = containersPrune(ctx.engine);
  const networks = networksPrune(ctx.engine);
  const removedVolumes = volumes ? volumesPrune(ctx.engine) : [];
  const images = pruneImages(ctx.engine, all);
  const section = (title: string, items: string[]) => {
    if (items.length) ctx.term.out(`${title}:\n${items.map((c) => `${c}\n`).join('')}\n`);
  };
  section('Deleted Containers', containers);
  section('Deleted Networks', networks);
  section('Deleted Volumes', removedVolumes);
  section('Deleted Images', images.deleted);
  ctx.term.println(`Total reclaimed space: ${humanSize(written + images.reclaimed)}`);
  return 0;
});

/** `docker builder prune`: the build cache is always empty; a refused prompt still prints the total. */
const builderPrune = (ctx: CommandContext) => {
  if (!ctx.flags.bool('force')) {
    ctx.term.out(
      ctx.flags.bool('all')
        ? 'WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] '
        : 'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ',
    );
  } else {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    try {
      buildCachePrune(ctx.engine, filters);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  }
  ctx.term.println('Total reclaimed space: 0B');
  return 0;
};
implementRecorded('docker builder prune', builderPrune);

/** `docker top CONTAINER [ps OPTIONS]`: the daemon's table, as the CLI's tabwriter (minwidth 20) lays it out. */
const top = (ctx: CommandContext) => {
  try {
    const res = containerTop(ctx.engine, ctx.args[0]!, ctx.args.slice(1).join(' '));
    const rows = [res.Titles, ...res.Processes].map((r) => `${r.join('\t')}\n`).join('');
    ctx.term.out(tabwrite(rows, { ...DOCKER_TABLE, minwidth: 20 }));
    return 0;
  } catch (e) {
    return printDaemonError(ctx, e);
  }
};
implementRecorded('docker top', top);
implementRecorded('docker container top', top);

/** `docker diff CONTAINER`: one `C|A|D PATH` line per change. */
const diff = (ctx: CommandContext) => {
  try {
    for (const ch of containerChanges(ctx.engine, ctx.args[0]!) ?? []) {
      ctx.term.println(`${'CAD'[ch.Kind]} ${ch.Path}`);
    }
    return 0;
  } catch (e) {
    return printDaemonError(ctx, e);
  }
};
implementRecorded('docker diff', diff);
implementRecorded('docker container diff', diff);

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
