/**
 * `docker stack ls|services|ps|rm` (the swarm orchestrator's): a stack is what carries the
 * `com.docker.stack.namespace` label, as `docker stack deploy` sets it. Flags and usage come from
 * the recorded CLI; what they do is docker/cli 20.10's `cli/command/stack/swarm`. Deploy is not
 * simulated: it and anything else of `stack` answer that, or that the node is no manager.
 */

import { EngineError } from '../../errors.ts';
import { type GoValue, goFunc } from '../../go/values.ts';
import type { ServiceRecord } from '../../model/state.ts';
import { networkRemove } from '../../ops/networks.ts';
import { swarmObjectList, swarmObjectRemove } from '../../ops/secrets.ts';
import { labelsMatch, serviceList, serviceRemove, taskListFiltered } from '../../ops/services.ts';
import { requireManager } from '../../ops/swarm.ts';
import { type CommandContext, implementRecorded, notAvailable } from '../command.ts';
import { parseFilters, printDaemonError } from '../common.ts';
import { formatList } from '../format/list-format.ts';
import { naturalLess } from '../format/natural-sort.ts';
import { listContext, serviceListFormat, taskTable } from './service.ts';

/** `convert.LabelNamespace`. */
const NAMESPACE = 'com.docker.stack.namespace';

const NOT_MANAGER =
  'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

const byName = (a: string, b: string) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0);

/** `--orchestrator`: only swarm is here (kubernetes needs a cluster the sandbox has not). */
function orchestratorError(ctx: CommandContext): string | null {
  const o = ctx.flags.string('orchestrator');
  if (o === '' || o === 'swarm') return null;
  if (o === 'kubernetes' || o === 'all') return `${o} orchestrator is not available in this sandbox`;
  return `specified orchestrator "${o}" is invalid, please use either kubernetes, swarm or all`;
}

interface StackRow {
  name: string;
  services: number;
}

const stackListFormat = {
  defaultFormat: 'table {{.Name}}\t{{.Services}}\t{{.Orchestrator}}',
  headers: { Name: 'NAME', Services: 'SERVICES', Orchestrator: 'ORCHESTRATOR', Namespace: 'NAMESPACE' },
  context: (s: StackRow): GoValue =>
    listContext('*formatter.stackContext', {
      Name: goFunc(() => s.name),
      Services: goFunc(() => String(s.services)),
      Orchestrator: goFunc(() => 'Swarm'),
      Namespace: goFunc(() => ''),
    }),
};

const ls = (ctx: CommandContext): number => {
  const bad = orchestratorError(ctx);
  if (bad) {
    ctx.term.eprintln(bad);
    return 1;
  }
  try {
    const counts = new Map<string, number>();
    for (const s of serviceList(ctx.engine, { label: [NAMESPACE] })) {
      const name = s.labels[NAMESPACE]!;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const rows = [...counts].map(([name, services]) => ({ name, services }));
    rows.sort((a, b) => byName(a.name, b.name));
    const format = ctx.flags.string('format');
    ctx.term.out(formatList(stackListFormat, rows, format === 'table' ? '' : format));
    return 0;
  } catch (e) {
    return printDaemonError(ctx, e);
  }
};

/** The user's `--filter` values with the stack's label filter added. */
function stackFilters(ctx: CommandContext, namespace: string): Record<string, string[]> | null {
  const filters = parseFilters(ctx, ctx.flags.list('filter'));
  if (!filters) return null;
  return { ...filters, label: [...(filters.label ?? []), `${NAMESPACE}=${namespace}`] };
}

const services = (ctx: CommandContext): number => {
  const bad = orchestratorError(ctx);
  if (bad) {
    ctx.term.eprintln(bad);
    return 1;
  }
  const namespace = ctx.args[0]!;
  const filters = stackFilters(ctx, namespace);
  if (!filters) return 1;
  try {
    requireManager(ctx.engine);
    for (const key of Object.keys(filters)) {
      if (!['name', 'id', 'label', 'mode', 'runtime'].includes(key)) {
        throw new EngineError(400, `Invalid filter '${key}'`);
      }
    }
    const list: ServiceRecord[] = serviceList(ctx.engine, filters).filter((s) =>
      labelsMatch(filters.label, s.labels),
    );
    if (!list.length) {
      ctx.term.eprintln(`Nothing found in stack: ${namespace}`);
      return 0;
    }
    list.sort((a, b) => byName(a.name, b.name));
    const format = ctx.flags.bool('quiet') ? '{{.ID}}' : ctx.flags.string('format');
    ctx.term.out(formatList(serviceListFormat(false), list, format));
    return 0;
  } catch (e) {
    return printDaemonError(ctx, e);
  }
};

const ps = (ctx: CommandContext): number => {
  const bad = orchestratorError(ctx);
  if (bad) {
    ctx.term.eprintln(bad);
    return 1;
  }
  const namespace = ctx.args[0]!;
  const filters = stackFilters(ctx, namespace);
  if (!filters) return 1;
  try {
    const swarm = requireManager(ctx.engine);
    if (filters.node) filters.node = filters.node.map((n) => (n === 'self' ? swarm.nodeId : n));
    const rows = taskListFiltered(ctx.engine, filters);
    if (!rows.length) {
      ctx.term.eprintln(`nothing found in stack: ${namespace}`);
      return 1;
    }
    ctx.term.out(taskTable(ctx.engine, rows, ctx.flags));
    return 0;
  } catch (e) {
    return printDaemonError(ctx, e);
  }
};

const rm = (ctx: CommandContext): number => {
  const bad = orchestratorError(ctx);
  if (bad) {
    ctx.term.eprintln(bad);
    return 1;
  }
  const errors: string[] = [];
  try {
    requireManager(ctx.engine);
    for (const namespace of ctx.args) {
      const label = [`${NAMESPACE}=${namespace}`];
      const svcs = serviceList(ctx.engine, { label }).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      const networks = ctx.engine.state.networks.filter((n) => labelsMatch(label, n.labels ?? {}));
      const secrets = swarmObjectList(ctx.engine, 'secret', { label });
      const configs = swarmObjectList(ctx.engine, 'config', { label });
      if (svcs.length + networks.length + secrets.length + configs.length === 0) {
        ctx.term.eprintln(`Nothing found in stack: ${namespace}`);
        continue;
      }
      let failed = false;
      const attempt = (what: string, id: string, run: () => void) => {
        try {
          run();
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
          failed = true;
          ctx.term.err(`Failed to remove ${what} ${id}: Error response from daemon: ${e.message}`);
        }
      };
      for (const s of svcs) {
        ctx.term.println(`Removing service ${s.name}`);
        attempt('service', s.id, () => serviceRemove(ctx.engine, s.id));
      }
      for (const s of secrets) {
        ctx.term.println(`Removing secret ${s.name}`);
        attempt('secret', s.id, () => swarmObjectRemove(ctx.engine, 'secret', s.id));
      }
      for (const c of configs) {
        ctx.term.println(`Removing config ${c.name}`);
        attempt('config', c.id, () => swarmObjectRemove(ctx.engine, 'config', c.id));
      }
      for (const n of networks) {
        ctx.term.println(`Removing network ${n.name}`);
        attempt('network', n.id, () => networkRemove(ctx.engine, n.id));
      }
      if (failed) errors.push(`Failed to remove some resources from stack: ${namespace}`);
    }
  } catch (e) {
    return printDaemonError(ctx, e);
  }
  if (errors.length) {
    ctx.term.eprintln(errors.join('\n'));
    return 1;
  }
  return 0;
};

/** `stack deploy` is not simulated: outside a swarm it fails as Docker's does, inside it says so. */
const deploy = (ctx: CommandContext): number => {
  if (!ctx.engine.state.swarm) {
    ctx.term.eprintln(NOT_MANAGER);
    return 1;
  }
  return notAvailable(ctx);
};

implementRecorded('docker stack ls', ls);
implementRecorded('docker stack services', services);
implementRecorded('docker stack ps', ps);
implementRecorded('docker stack rm', rm);
implementRecorded('docker stack deploy', deploy);
