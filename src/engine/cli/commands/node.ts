/** `docker node ls|inspect`: the sandbox is the swarm's only node. */

import { f, type GoValue, goFunc, goStruct } from '../../go/values.ts';
import { taskList } from '../../ops/services.ts';
import { requireManager } from '../../ops/swarm.ts';
import { SYSTEM } from '../../ops/system.ts';
import { nodeView } from '../../views/swarm-view.ts';
import type { CommandContext, LeafCommand } from '../command.ts';
import { inspectObjects, parseFilters, printDaemonError } from '../common.ts';
import { registerCommand } from '../docker.ts';
import { filterFlag } from '../flags.ts';
import { formatList } from '../format/list-format.ts';
import { taskTable } from './service.ts';

interface NodeRow {
  id: string;
  hostname: string;
  availability: string;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const nodeListFormat = {
  defaultFormat:
    'table {{.ID}} {{if .Self}}*{{else}} {{ end }}\t{{.Hostname}}\t{{.Status}}\t{{.Availability}}\t{{.ManagerStatus}}\t{{.EngineVersion}}',
  headers: {
    ID: 'ID',
    Self: '',
    Hostname: 'HOSTNAME',
    Status: 'STATUS',
    Availability: 'AVAILABILITY',
    ManagerStatus: 'MANAGER STATUS',
    EngineVersion: 'ENGINE VERSION',
    TLSStatus: 'TLS STATUS',
  },
  context: (n: NodeRow): GoValue =>
    goStruct('*node.nodeContext', [f('trunc', true)], {
      ID: goFunc(() => n.id),
      Self: goFunc(() => true),
      Hostname: goFunc(() => n.hostname),
      Status: goFunc(() => 'Ready'),
      Availability: goFunc(() => capitalize(n.availability)),
      ManagerStatus: goFunc(() => 'Leader'),
      TLSStatus: goFunc(() => 'Ready'),
      EngineVersion: goFunc(() => SYSTEM.version),
    }),
};

const ls: LeafCommand = {
  name: 'ls',
  aliases: ['list'],
  use: '[OPTIONS]',
  short: 'List nodes in the swarm',
  args: { kind: 'none' },
  flags: [
    filterFlag('Filter output based on conditions provided', true),
    { name: 'format', type: 'string', help: 'Pretty-print nodes using a Go template' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display IDs' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    try {
      const swarm = requireManager(ctx.engine);
      const hostname = ctx.engine.state.daemon.hostname;
      // The one node is a ready, active manager: filters keep it or leave the list empty.
      const keep =
        (filters.role ?? ['manager']).includes('manager') &&
        (filters.id ?? [swarm.nodeId]).some((id) => swarm.nodeId.startsWith(id)) &&
        (filters.name ?? [hostname]).some((n) => hostname.includes(n)) &&
        (filters.membership ?? ['accepted']).includes('accepted');
      const rows: NodeRow[] = keep
        ? [{ id: swarm.nodeId, hostname, availability: swarm.nodeAvailability ?? 'active' }]
        : [];
      const format = ctx.flags.bool('quiet') ? '{{.ID}}' : ctx.flags.string('format');
      ctx.term.out(formatList(nodeListFormat, rows, format));
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const inspect: LeafCommand = {
  name: 'inspect',
  use: '[OPTIONS] self|NODE [NODE...]',
  short: 'Display detailed information on one or more nodes',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
    { name: 'pretty', type: 'bool', help: 'Print the information in a human friendly format' },
  ],
  run(ctx) {
    try {
      requireManager(ctx.engine);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (term) => {
      // The CLI reports a missing node as a status error.
      if (!nodeMatches(ctx, term, true)) return { notFound: `Status: Error: No such node: ${term}, Code: 1` };
      return nodeView(ctx.engine, requireManager(ctx.engine));
    });
  },
};

/** The node `term` names (its ID, a unique prefix or its hostname); `self` only where the CLI resolves it. */
function nodeMatches(ctx: CommandContext, term: string, allowSelf: boolean): boolean {
  const swarm = requireManager(ctx.engine);
  return (
    (allowSelf && term === 'self') ||
    term === swarm.nodeId ||
    term === ctx.engine.state.daemon.hostname ||
    (term !== '' && swarm.nodeId.startsWith(term))
  );
}

const update: LeafCommand = {
  name: 'update',
  use: '[OPTIONS] NODE',
  short: 'Update a node',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'availability', type: 'string', help: 'Availability of the node ("active"|"pause"|"drain")' },
    { name: 'label-add', type: 'list', help: 'Add or update a node label (key=value)' },
    { name: 'label-rm', type: 'list', help: 'Remove a node label if exists' },
    { name: 'role', type: 'string', help: 'Role of the node ("worker"|"manager")' },
  ],
  run(ctx) {
    const term = ctx.args[0]!;
    try {
      if (!nodeMatches(ctx, term, false)) {
        ctx.term.eprintln(`Error: No such node: ${term}`);
        return 1;
      }
      const swarm = requireManager(ctx.engine);
      const availability = ctx.flags.string('availability');
      if (availability) {
        if (!['active', 'pause', 'drain'].includes(availability.toLowerCase())) {
          ctx.term.eprintln(
            `invalid argument "${availability}" for "--availability" flag: invalid availability`,
          );
          return 1;
        }
        swarm.nodeAvailability = availability.toLowerCase();
      }
      const labels = { ...(swarm.nodeLabels ?? {}) };
      for (const l of ctx.flags.list('label-add')) {
        const eq = l.indexOf('=');
        labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
      }
      for (const l of ctx.flags.list('label-rm')) delete labels[l];
      swarm.nodeLabels = labels;
      swarm.index++;
      ctx.term.println(term);
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const rm: LeafCommand = {
  name: 'rm',
  aliases: ['remove'],
  use: '[OPTIONS] NODE [NODE...]',
  short: 'Remove one or more nodes from the swarm',
  args: { kind: 'min', n: 1 },
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Force remove a node from the swarm' }],
  run(ctx) {
    try {
      const swarm = requireManager(ctx.engine);
      const errors: string[] = [];
      for (const term of ctx.args) {
        if (!nodeMatches(ctx, term, false)) errors.push(`No such node: ${term}`);
        else
          errors.push(
            `rpc error: code = FailedPrecondition desc = node ${swarm.nodeId} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
          );
      }
      ctx.term.eprintln(
        errors
          .map((e) => (e.startsWith('No such') ? `Error: ${e}` : `Error response from daemon: ${e}`))
          .join('\n'),
      );
      return 1;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const ps: LeafCommand = {
  name: 'ps',
  use: '[OPTIONS] [NODE...]',
  short: 'List tasks running on one or more nodes, defaults to current node',
  args: { kind: 'min', n: 0 },
  flags: [
    filterFlag('Filter output based on conditions provided', true),
    { name: 'format', type: 'string', help: 'Pretty-print tasks using a Go template' },
    { name: 'no-resolve', type: 'bool', help: 'Do not map IDs to Names' },
    { name: 'no-trunc', type: 'bool', help: 'Do not truncate output' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display task IDs' },
  ],
  run(ctx) {
    try {
      requireManager(ctx.engine);
      for (const term of ctx.args) {
        if (!nodeMatches(ctx, term, true)) {
          ctx.term.eprintln(`Error: No such node: ${term}`);
          return 1;
        }
      }
      ctx.term.out(taskTable(ctx.engine, taskList(ctx.engine), ctx.flags));
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

registerCommand({ name: 'node', short: 'Manage Swarm nodes', children: [inspect, ls, ps, rm, update] });
