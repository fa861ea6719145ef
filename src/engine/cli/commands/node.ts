/** `docker node ls|inspect`: the sandbox is the swarm's only node. */
import { EngineError, notFound } from '../../errors.ts';
import { f, type GoValue, goFunc, goStruct } from '../../go/values.ts';
import { requireManager } from '../../ops/swarm.ts';
import { SYSTEM } from '../../ops/system.ts';
import { nodeView } from '../../views/swarm-view.ts';
import type { LeafCommand } from '../command.ts';
import { inspectObjects, parseFilters, printDaemonError } from '../common.ts';
import { registerCommand } from '../docker.ts';
import { formatList } from '../format/list-format.ts';

interface NodeRow {
  id: string;
  hostname: string;
}

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
      Availability: goFunc(() => 'Active'),
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
    {
      name: 'filter',
      short: 'f',
      type: { repeatable: true, typeName: 'filter' },
      help: 'Filter output based on conditions provided',
    },
    { name: 'format', type: 'string', help: 'Pretty-print nodes using a Go template' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display IDs' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    try {
      const swarm = requireManager(ctx.engine);
      const rows: NodeRow[] = [{ id: swarm.nodeId, hostname: ctx.engine.state.daemon.hostname }];
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
      const swarm = requireManager(ctx.engine);
      const matches =
        term === 'self' ||
        term === swarm.nodeId ||
        term === ctx.engine.state.daemon.hostname ||
        (term !== '' && swarm.nodeId.startsWith(term));
      if (!matches) {
        const e = notFound(`node ${term} not found`);
        if (e instanceof EngineError) return { notFound: `Error: No such node: ${term}` };
      }
      return nodeView(ctx.engine, swarm);
    });
  },
};

registerCommand({ name: 'node', short: 'Manage Swarm nodes', children: [inspect, ls] });
