/**
 * `docker volume create|ls|inspect|rm|prune` on the sandbox's named volumes (`ops/volumes.ts`,
 * which the API serves too), so `docker volume ls` shows compose's volumes and `down -v` removes
 * what `docker volume create` made. Texts as Docker 20.10 printed them (test/golden/83-volumes).
 */

import { EngineError } from '../../errors.ts';
import { type GoValue, goFunc, goStruct } from '../../go/values.ts';
import {
  mountpointOf,
  type VolumeRecord,
  volumeCreate,
  volumeFind,
  volumeListFiltered,
  volumeRemove,
  volumesPrune,
} from '../../ops/volumes.ts';
import { volumeView } from '../../views/volume-view.ts';
import type { GroupCommand, LeafCommand } from '../command.ts';
import { inspectObjects, parseFilters, printDaemonError } from '../common.ts';
import { registerCommand } from '../docker.ts';
import { filterFlag } from '../flags.ts';
import { formatList } from '../format/list-format.ts';
import { naturalCompare } from '../format/natural-sort.ts';

const labelText = (labels: Record<string, string> | null) =>
  Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`)
    .join(',');

const listFormat = {
  defaultFormat: 'table {{.Driver}}\t{{.Name}}',
  headers: {
    Name: 'VOLUME NAME',
    Driver: 'DRIVER',
    Scope: 'SCOPE',
    Mountpoint: 'MOUNTPOINT',
    Labels: 'LABELS',
    Links: 'LINKS',
    Size: 'SIZE',
  },
  context: (v: VolumeRecord): GoValue =>
    goStruct('*formatter.volumeContext', [], {
      Name: goFunc(() => v.name),
      Driver: goFunc(() => v.driver),
      Scope: goFunc(() => 'local'),
      Mountpoint: goFunc(() => mountpointOf(v.name)),
      Labels: goFunc(() => labelText(v.labels)),
      Label: goFunc((k) => v.labels?.[String(k)] ?? ''),
      Links: goFunc(() => 'N/A'),
      Size: goFunc(() => 'N/A'),
    }),
};

function keyValues(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    out[eq < 0 ? kv : kv.slice(0, eq)] = eq < 0 ? '' : kv.slice(eq + 1);
  }
  return out;
}

const create: LeafCommand = {
  name: 'create',
  use: '[OPTIONS] [VOLUME]',
  short: 'Create a volume',
  args: { kind: 'max', n: 1 },
  flags: [
    {
      name: 'driver',
      short: 'd',
      type: 'string',
      defaultText: '"local"',
      help: 'Specify volume driver name',
    },
    { name: 'label', type: 'list', help: 'Set metadata for a volume' },
    { name: 'name', type: 'string', help: 'Specify volume name', hidden: true },
    { name: 'opt', short: 'o', type: 'map', help: 'Set driver specific options' },
  ],
  run(ctx) {
    try {
      const v = volumeCreate(ctx.engine, {
        Name: ctx.args[0] ?? ctx.flags.string('name'),
        Driver: ctx.flags.string('driver', 'local'),
        DriverOpts: keyValues(ctx.flags.list('opt')),
        Labels: keyValues(ctx.flags.list('label')),
      });
      ctx.term.println(v.name);
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const ls: LeafCommand = {
  name: 'ls',
  aliases: ['list'],
  use: '[OPTIONS]',
  short: 'List volumes',
  args: { kind: 'none' },
  flags: [
    filterFlag("Provide filter values (e.g. 'dangling=true')", true),
    { name: 'format', type: 'string', help: 'Pretty-print volumes using a Go template' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display volume names' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    let list: VolumeRecord[];
    try {
      list = volumeListFiltered(ctx.engine, filters).sort((a, b) => naturalCompare(a.name, b.name));
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    const format = ctx.flags.bool('quiet') ? '{{.Name}}' : ctx.flags.string('format');
    ctx.term.out(formatList(listFormat, list, format));
    return 0;
  },
};

const inspect: LeafCommand = {
  name: 'inspect',
  use: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Display detailed information on one or more volumes',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
  ],
  run(ctx) {
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (name) => {
      const v = volumeFind(ctx.engine, name);
      return v ? volumeView(v) : { notFound: `Error: No such volume: ${name}` };
    });
  },
};

const rm: LeafCommand = {
  name: 'rm',
  aliases: ['remove'],
  use: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Remove one or more volumes',
  args: { kind: 'min', n: 1 },
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Force the removal of one or more volumes' }],
  run(ctx) {
    let code = 0;
    for (const name of ctx.args) {
      try {
        volumeRemove(ctx.engine, name, ctx.flags.bool('force'));
        ctx.term.println(name);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        // The client names a 404 itself; other errors are the daemon's.
        ctx.term.eprintln(
          e.status === 404 ? `Error: No such volume: ${name}` : `Error response from daemon: ${e.message}`,
        );
        code = 1;
      }
    }
    return code;
  },
};

const prune: LeafCommand = {
  name: 'prune',
  use: '[OPTIONS]',
  short: 'Remove all unused local volumes',
  args: { kind: 'none' },
  flags: [
    filterFlag("Provide filter values (e.g. 'label=<label>')"),
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  run(ctx) {
    if (!ctx.flags.bool('force')) {
      // Without a terminal the prompt reads end of input: the answer is no.
      ctx.term.out(
        'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ',
      );
      return 0;
    }
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    let removed: string[];
    try {
      removed = volumesPrune(ctx.engine, filters);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    if (removed.length) ctx.term.out(`Deleted Volumes:\n${removed.map((n) => `${n}\n`).join('')}\n`);
    ctx.term.println('Total reclaimed space: 0B');
    return 0;
  },
};

export const volumeCommand: GroupCommand = {
  name: 'volume',
  short: 'Manage volumes',
  children: [create, inspect, ls, prune, rm],
};

registerCommand(volumeCommand);
