/** `docker ps` / `docker container ls`: filters, the CLI's container context and its formats. */

import type { Engine } from '../../engine.ts';
import { badRequest, EngineError, serverError } from '../../errors.ts';
import { goTimeString } from '../../go/fmt.ts';
import { dockerTemplateFuncs, parseTemplate, TemplateError } from '../../go/template.ts';
import { f, type GoValue, goFunc, goStruct } from '../../go/values.ts';
import type { ContainerRecord } from '../../model/state.ts';
import { containerMounts } from '../../ops/container-mounts.ts';
import { isRunning, settleContainers } from '../../ops/containers.ts';
import { filterPorts, goAtoi, goStringList } from '../../ops/filter-args.ts';
import { findImage, referenceMatches } from '../../ops/images.ts';
import { containerNetworkNames } from '../../views/container-view.ts';
import { humanDuration, humanSize, timeMs } from '../../views/human-units.ts';
import type { LeafCommand } from '../command.ts';
import { parseFilters, printDaemonError } from '../common.ts';
import { filterFlag } from '../flags.ts';
import { formatList } from '../format/list-format.ts';

const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);
const FILTER_KEYS = new Set([
  'ancestor',
  'before',
  'expose',
  'exited',
  'health',
  'id',
  'isolation',
  'is-task',
  'label',
  'name',
  'network',
  'publish',
  'since',
  'status',
  'volume',
]);

/** `State.String()`: `Up 2 seconds`, `Exited (0) 3 seconds ago`, `Created`. */
export function statusText(engine: Engine, c: ContainerRecord): string {
  const now = engine.nowMs();
  if (isRunning(c)) {
    const up = humanDuration(now - timeMs(c.startedAt));
    if (c.status === 'paused') return `Up ${up} (Paused)`;
    return `Up ${up}`;
  }
  if (c.status === 'dead') return 'Dead';
  if (c.startedAt.startsWith('0001-')) return 'Created';
  return `Exited (${c.exitCode}) ${humanDuration(now - timeMs(c.finishedAt))} ago`;
}

/** The ports column (`DisplayablePorts`): ranges grouped, host mappings after. */
export function displayPorts(c: ContainerRecord): string {
  interface Port {
    ip: string;
    priv: number;
    pub: number;
    type: string;
  }
  const ports: Port[] = [];
  if (isRunning(c)) {
    for (const [key, list] of Object.entries(c.boundPorts)) {
      const [p, type] = key.split('/') as [string, string];
      if (!list.length) ports.push({ ip: '', priv: Number(p), pub: 0, type });
      for (const b of list) ports.push({ ip: b.hostIp, priv: Number(p), pub: Number(b.hostPort), type });
    }
  }
  ports.sort(
    (a, b) =>
      a.priv - b.priv ||
      (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0) ||
      a.pub - b.pub ||
      (a.type < b.type ? -1 : 1),
  );
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const hostMappings: string[] = [];
  const formGroup = (key: string, first: number, last: number) => {
    const parts = key.split('/');
    let type = parts[0]!;
    let ip = '';
    if (parts.length > 1) {
      ip = parts[0]!;
      type = parts[1]!;
    }
    let group = String(first);
    if (first !== last) group = `${group}-${last}`;
    if (ip) group = `${ip}:${group}->${group}`;
    return `${group}/${type}`;
  };
  for (const p of ports) {
    let key = p.type;
    if (p.ip) {
      if (p.pub !== p.priv) {
        hostMappings.push(`${p.ip.includes(':') ? `[${p.ip}]` : p.ip}:${p.pub}->${p.priv}/${p.type}`);
        continue;
      }
      key = `${p.ip}/${p.type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: p.priv, last: p.priv });
      order.push(key);
      continue;
    }
    if (p.priv === g.last + 1) {
      g.last = p.priv;
      continue;
    }
    result.push(formGroup(key, g.first, g.last));
    groups.set(key, { first: p.priv, last: p.priv });
  }
  for (const key of order) {
    const g = groups.get(key)!;
    result.push(formGroup(key, g.first, g.last));
  }
  return [...result, ...hostMappings].join(', ');
}

/** The daemon's list `Command`: path and args, args with spaces in single quotes. */
export function listCommand(c: ContainerRecord): string {
  const args = c.args.map((a) => (a.includes(' ') ? `'${a}'` : a));
  return args.length ? `${c.path} ${args.join(' ')}` : c.path;
}

/** `strconv.Quote` for the command column. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (m, h: string) => {
    const n = Number.parseInt(h, 16);
    return n < 0x20 ? `\\x${h.slice(2)}` : m;
  });
}

function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** The CLI's `ContainerContext`: what `ps --format` templates can call. */
export function containerContext(engine: Engine, c: ContainerRecord, trunc: boolean): GoValue {
  const labels = Object.keys(c.labels)
    .sort()
    .map((k) => `${k}=${c.labels[k]}`)
    .join(',');
  const image = engine.state.images.find((i) => i.id === c.imageId);
  const methods = {
    ID: goFunc(() => (trunc ? c.id.slice(0, 12) : c.id)),
    Names: goFunc(() => c.name),
    Image: goFunc(() => {
      const ref = c.imageRef;
      const found = findImage(engine, ref);
      if (found && found.id === c.imageId) return ref;
      return c.imageId.slice(7, trunc ? 19 : 71);
    }),
    Command: goFunc(() => goQuote(trunc ? ellipsis(listCommand(c), 20) : listCommand(c))),
    CreatedAt: goFunc(() => goTimeString(c.created.replace(/\.\d+Z$/, 'Z'))),
    RunningFor: goFunc(() => `${humanDuration(engine.nowMs() - timeMs(c.created))} ago`),
    Ports: goFunc(() => displayPorts(c)),
    State: goFunc(() => c.status),
    Status: goFunc(() => statusText(engine, c)),
    Size: goFunc(() => `0B (virtual ${humanSize(image?.size ?? 0)})`),
    Labels: goFunc(() => labels),
    Label: goFunc((name) => c.labels[String(name)] ?? ''),
    // Each mount by its volume's name or its host path, cut to 15 columns; local volumes counted.
    Mounts: goFunc(() =>
      containerMounts(c)
        .map((m) => (trunc ? ellipsis(m.Name ?? m.Source, 15) : (m.Name ?? m.Source)))
        .join(','),
    ),
    LocalVolumes: goFunc(() => String(containerMounts(c).filter((m) => m.Driver === 'local').length)),
    Networks: goFunc(() => containerNetworkNames(engine, c).join(',')),
  };
  // `{{json .}}` is the CLI's marshalJSON: every argument-less method, keys sorted.
  const jsonFields = Object.entries(methods)
    .filter(([k]) => k !== 'Label')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, m]) => f(k, m.call()));
  const ctx = goStruct(
    '*formatter.ContainerContext',
    [f('trunc', trunc, { json: '-' }), ...jsonFields],
    methods,
  );
  return { ...ctx, marshalEscapesHTML: true };
}

const HEALTH_VALUES = new Set(['starting', 'healthy', 'unhealthy', 'none']);

/** `GET /containers/json` with Docker's filters; newest first. */
export function listContainers(
  engine: Engine,
  opts: { all: boolean; limit: number; filters: Record<string, string[]> },
): ContainerRecord[] {
  settleContainers(engine);
  const { filters } = opts;
  // reduceContainers: the keys (`Validate`), then foldFilter's checks in its order.
  for (const key of Object.keys(filters))
    if (!FILTER_KEYS.has(key)) throw badRequest(`Invalid filter '${key}'`);
  const exited = (filters.exited ?? []).map(goAtoi);
  for (const s of filters.status ?? [])
    if (!STATUSES.has(s)) throw badRequest(`Invalid filter 'status=${s}'`);
  const isTask = filters['is-task'];
  if (isTask && !isTask.includes('true') && !isTask.includes('false')) {
    throw badRequest(`Invalid filter 'is-task=${goStringList(isTask)}'`);
  }
  for (const s of filters.health ?? [])
    if (!HEALTH_VALUES.has(s)) throw badRequest(`Unrecognised filter value for health: ${s}`);
  // before/since name a container by full ID or name (the view's exact lookup, a 500 when none
  // is); the list keeps only those created after/before the last one named.
  const order = (c: ContainerRecord) => engine.state.containers.findIndex((x) => x.id === c.id);
  const boundary = (key: 'before' | 'since') => {
    let found: number | undefined;
    for (const term of filters[key] ?? []) {
      const name = term.replace(/^\//, '');
      const c =
        engine.state.containers.find((x) => x.id === term) ??
        engine.state.containers.find((x) => x.name === name);
      if (!c) throw serverError(`no such container ${term}`);
      found = order(c);
    }
    return found;
  };
  const before = boundary('before');
  const since = boundary('since');
  const published = new Set((filters.publish ?? []).flatMap((p) => filterPorts('publish', p)));
  const exposed = new Set((filters.expose ?? []).flatMap((p) => filterPorts('expose', p)));
  // The daemon lists from a copy that its handling of a just-finished exit has not updated yet.
  let list = engine.state.containers
    .map((c) => (c.exitUnseen === undefined ? c : asListedBeforeExit(c)))
    .reverse();
  const all =
    opts.all || opts.limit > 0 || Boolean(filters.status?.length) || Boolean(filters.exited?.length);
  if (!all) list = list.filter((c) => isRunning(c));
  list = list.filter((c) => {
    if (filters.name?.length && !filters.name.some((n) => safeRegex(n).test(c.name))) return false;
    if (filters.id?.length && !filters.id.some((i) => c.id.startsWith(i))) return false;
    if (filters.status?.length && !filters.status.includes(c.status)) return false;
    if (filters.exited?.length) {
      if (c.status !== 'exited' || !exited.includes(c.exitCode)) return false;
    }
    if (filters.label?.length) {
      for (const l of filters.label) {
        const i = l.indexOf('=');
        if (i < 0 ? !(l in c.labels) : c.labels[l.slice(0, i)] !== l.slice(i + 1)) return false;
      }
    }
    if (before !== undefined && order(c) >= before) return false;
    if (since !== undefined && order(c) <= since) return false;
    if (filters.network?.length) {
      const nets = c.endpoints.map((ep) => engine.state.networks.find((n) => n.id === ep.networkId));
      // Names match the Networks keys; IDs match NetworkID, which is empty until the first start.
      const started = c.sandboxId !== undefined;
      const matches = (n: string) =>
        nets.some((nw) => nw && (nw.name === n || (started && nw.id.startsWith(n))));
      if (!filters.network.some(matches)) return false;
    }
    if (isTask) {
      const managed = 'com.docker.swarm.task.id' in c.labels;
      if (isTask.includes('true') ? !managed : managed) return false;
    }
    // No container has a healthcheck here: only `none` matches.
    if (filters.health?.length && !filters.health.includes('none')) return false;
    if (filters.ancestor?.length) {
      const ok = filters.ancestor.some((a) => {
        const img = findImage(engine, a);
        if (img) return img.id === c.imageId;
        return referenceMatches(c.imageRef.includes(':') ? c.imageRef : `${c.imageRef}:latest`, a);
      });
      if (!ok) return false;
    }
    if (published.size || exposed.size) {
      // One port matching either filter keeps the container.
      const byHost = Object.entries(c.boundPorts).some(([k, list]) =>
        list.some((b) => published.has(`${b.hostPort}/${k.split('/')[1] ?? 'tcp'}`)),
      );
      if (!byHost && !c.exposedPorts.some((p) => exposed.has(p))) return false;
    }
    if (filters.volume?.length) {
      // A mount matches by destination, or by its volume name (a bind by its source).
      const mounts = containerMounts(c);
      const hit = (v: string) => mounts.some((m) => m.Destination === v || (m.Name ?? m.Source) === v);
      if (!filters.volume.some(hit)) return false;
    }
    return true;
  });
  if (opts.limit > 0) list = list.slice(0, opts.limit);
  return list;
}

const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
};

/**
 * The header row's context: each field's header, and `.Label NAME` headed by the label's last
 * dotted part with `-` and `_` as spaces, as the CLI's ContainerContext.Label adds it.
 */
function psHeaderContext(): GoValue {
  const methods: Record<string, ReturnType<typeof goFunc>> = {};
  for (const [k, v] of Object.entries(PS_HEADERS)) methods[k] = goFunc(() => v);
  methods.Label = goFunc((name) => String(name).split('.').pop()!.replace(/[-_]/g, ' '));
  return goStruct('*formatter.ContainerContext', [], methods);
}

/** A container whose exit is unseen, as the list still has it: running, with the ports it had. */
function asListedBeforeExit(c: ContainerRecord): ContainerRecord {
  return { ...c, status: 'running', exitCode: 0, finishedAt: '0001-01-01T00:00:00Z' };
}

function safeRegex(p: string): RegExp {
  try {
    return new RegExp(p);
  } catch {
    return new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

const ps: LeafCommand = {
  name: 'ps',
  use: '[OPTIONS]',
  short: 'List containers',
  args: { kind: 'none' },
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
    filterFlag('Filter output based on conditions provided', true),
    { name: 'format', type: 'string', help: 'Pretty-print containers using a Go template' },
    {
      name: 'last',
      short: 'n',
      type: 'int',
      defaultText: '-1',
      help: 'Show n last created containers (includes all states)',
    },
    {
      name: 'latest',
      short: 'l',
      type: 'bool',
      help: 'Show the latest created container (includes all states)',
    },
    { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display container IDs' },
    { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    let limit = ctx.flags.int('last', -1);
    if (ctx.flags.bool('latest')) limit = 1;
    let format = ctx.flags.string('format');
    if (format) {
      // buildContainerListOptions parses the template and runs it once on an empty context (to
      // see whether it uses .Size) before it asks the daemon for anything.
      try {
        parseTemplate(format, dockerTemplateFuncs).execute(psHeaderContext());
      } catch (e) {
        if (e instanceof TemplateError) {
          const parsing = !/executing/.test(e.message);
          ctx.term.eprintln(`failed to ${parsing ? 'parse' : 'execute'} template: ${e.message}`);
          return 1;
        }
        throw e;
      }
    }
    let list: ContainerRecord[];
    try {
      list = listContainers(ctx.engine, { all: ctx.flags.bool('all'), limit, filters });
    } catch (e) {
      if (e instanceof EngineError) return printDaemonError(ctx, e);
      throw e;
    }
    const trunc = !ctx.flags.bool('no-trunc');
    // NewContainerFormat: -q only replaces the table and raw formats; a template wins.
    if (ctx.flags.bool('quiet') && (format === '' || format === 'table')) format = '{{.ID}}';
    else if (ctx.flags.bool('quiet') && format === 'raw') format = 'container_id: {{.ID}}';
    const size = ctx.flags.bool('size');
    const defaultFormat = `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${size ? '\t{{.Size}}' : ''}`;
    ctx.term.out(
      formatList(
        {
          defaultFormat,
          headers: PS_HEADERS,
          headerContext: psHeaderContext(),
          context: (c: ContainerRecord) => containerContext(ctx.engine, c, trunc),
        },
        list,
        format,
      ),
    );
    return 0;
  },
};

export const psCommand = ps;
export const lsCommand: LeafCommand = { ...ps, name: 'ls', aliases: ['ps', 'list'] };
