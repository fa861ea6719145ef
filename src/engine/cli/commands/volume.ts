/**
 * `docker volume create|ls|inspect|rm|prune` on the sandbox's named volumes. A volume is kept
 * where compose keeps the ones it creates (`/var/lib/docker/volumes/NAME/opts.json` among the
 * sandbox host's files), so `docker volume ls` shows compose's volumes and `down -v` removes
 * what `docker volume create` made. Texts as Docker 20.10 printed them (test/golden/83-volumes).
 */

import type { Engine } from '../../engine.ts';
import { f, type GoValue, goFunc, goStringMap, goStruct } from '../../go/values.ts';
import type { CommandContext, GroupCommand, LeafCommand } from '../command.ts';
import { inspectObjects, parseFilters } from '../common.ts';
import { registerCommand } from '../docker.ts';
import { filterFlag } from '../flags.ts';
import { formatList } from '../format/list-format.ts';

interface VolumeRecord {
  name: string;
  driver: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  createdAt: string;
}

const PREFIX = '/var/lib/docker/volumes/';
const fileOf = (name: string) => `${PREFIX}${name}/opts.json`;

function listVolumes(engine: Engine): VolumeRecord[] {
  const out: VolumeRecord[] = [];
  for (const [path, text] of Object.entries(engine.state.files)) {
    const m = /^\/var\/lib\/docker\/volumes\/([^/]+)\/opts\.json$/.exec(path);
    if (!m) continue;
    let raw: {
      Driver?: string;
      Labels?: Record<string, string>;
      Options?: Record<string, string>;
      CreatedAt?: string;
    } = {};
    try {
      raw = JSON.parse(text);
    } catch {}
    out.push({
      name: m[1]!,
      driver: raw.Driver ?? 'local',
      labels: raw.Labels ?? {},
      options: raw.Options ?? {},
      createdAt: raw.CreatedAt ?? engine.state.daemon.started.replace(/\.\d+/, ''),
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function saveVolume(engine: Engine, v: VolumeRecord): void {
  engine.state.files[fileOf(v.name)] = JSON.stringify({
    Driver: v.driver,
    Labels: v.labels,
    Options: v.options,
    CreatedAt: v.createdAt,
  });
}

/** Containers (any state) that mount the volume, by full ID. */
function usersOf(engine: Engine, name: string): string[] {
  return engine.state.containers
    .filter((c) => c.hostConfig.binds.some((b) => b.split(':')[0] === name))
    .map((c) => c.id);
}

function volumeJson(v: VolumeRecord): GoValue {
  return goStruct('volume.Volume', [
    f('CreatedAt', v.createdAt),
    f('Driver', v.driver),
    f('Labels', goStringMap(v.labels)),
    f('Mountpoint', `${PREFIX}${v.name}/_data`),
    f('Name', v.name),
    f('Options', goStringMap(v.options)),
    f('Scope', 'local'),
  ]);
}

const labelText = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
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
      Mountpoint: goFunc(() => `${PREFIX}${v.name}/_data`),
      Labels: goFunc(() => labelText(v.labels)),
      Label: goFunc((k) => v.labels[String(k)] ?? ''),
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
    const name = ctx.args[0] ?? (ctx.flags.string('name') || ctx.engine.ids.hex64());
    const driver = ctx.flags.string('driver', 'local');
    if (driver !== 'local') {
      ctx.term.eprintln(
        `Error response from daemon: create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`,
      );
      return 1;
    }
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
      ctx.term.eprintln(
        `Error response from daemon: create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
      return 1;
    }
    // Creating an existing volume is a no-op that prints its name.
    if (!listVolumes(ctx.engine).some((v) => v.name === name)) {
      saveVolume(ctx.engine, {
        name,
        driver,
        labels: keyValues(ctx.flags.list('label')),
        options: keyValues(ctx.flags.list('opt')),
        createdAt: ctx.engine.now().replace(/\.\d+/, ''),
      });
    }
    ctx.term.println(name);
    return 0;
  },
};

function filtered(ctx: CommandContext, filters: Record<string, string[]>): VolumeRecord[] | null {
  for (const key of Object.keys(filters)) {
    if (!['dangling', 'name', 'label', 'driver'].includes(key)) {
      ctx.term.eprintln(`Error response from daemon: Invalid filter '${key}'`);
      return null;
    }
  }
  return listVolumes(ctx.engine).filter((v) => {
    const dangling = filters.dangling;
    if (dangling?.length) {
      const want = dangling.some((d) => d === 'true' || d === '1');
      if ((usersOf(ctx.engine, v.name).length === 0) !== want) return false;
    }
    if (filters.name?.length && !filters.name.some((n) => v.name.includes(n))) return false;
    if (filters.driver?.length && !filters.driver.includes(v.driver)) return false;
    if (filters.label?.length) {
      for (const l of filters.label) {
        const eq = l.indexOf('=');
        const key = eq < 0 ? l : l.slice(0, eq);
        if (!(key in v.labels)) return false;
        if (eq >= 0 && v.labels[key] !== l.slice(eq + 1)) return false;
      }
    }
    return true;
  });
}

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
    const list = filtered(ctx, filters);
    if (!list) return 1;
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
    const all = listVolumes(ctx.engine);
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (name) => {
      const v = all.find((x) => x.name === name);
      return v ? volumeJson(v) : { notFound: `Error: No such volume: ${name}` };
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
      const exists = listVolumes(ctx.engine).some((v) => v.name === name);
      if (!exists) {
        if (ctx.flags.bool('force')) {
          ctx.term.println(name);
          continue;
        }
        ctx.term.eprintln(`Error: No such volume: ${name}`);
        code = 1;
        continue;
      }
      const users = usersOf(ctx.engine, name);
      if (users.length) {
        ctx.term.eprintln(
          `Error response from daemon: remove ${name}: volume is in use - [${users.join(', ')}]`,
        );
        code = 1;
        continue;
      }
      delete ctx.engine.state.files[fileOf(name)];
      ctx.term.println(name);
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
    const list = filtered(ctx, { ...filters, dangling: ['true'] });
    if (!list) return 1;
    if (list.length) {
      ctx.term.println('Deleted Volumes:');
      for (const v of list) {
        delete ctx.engine.state.files[fileOf(v.name)];
        ctx.term.println(v.name);
      }
      ctx.term.println();
    }
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
