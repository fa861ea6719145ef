/** `docker service create|inspect|ls|ps|rm|scale|update` on the sandbox's one-node swarm. */
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors.ts';
import { goTimeString } from '../../go/fmt.ts';
import { f, type GoField, type GoFunc, type GoValue, goFunc, goStruct } from '../../go/values.ts';
import type { ServiceRecord, TaskRecord } from '../../model/state.ts';
import { tryFindNetwork } from '../../ops/lookup.ts';
import { advanceSwarmClock, shownTaskState, swarmNowMs } from '../../ops/service-tasks.ts';
import {
  findService,
  type PortConfigRequest,
  type ServiceSpecRequest,
  serviceCreate,
  serviceList,
  serviceRemove,
  serviceRollback,
  serviceUpdate,
  slotReadyTimes,
  taskListFiltered,
} from '../../ops/services.ts';
import { requireManager } from '../../ops/swarm.ts';
import { serviceView, updateStatusText } from '../../views/swarm-view.ts';
import { type CommandContext, implementRecorded, type LeafCommand } from '../command.ts';
import { inspectObjects, parseFilters, printDaemonError } from '../common.ts';
import { registerCommand } from '../docker.ts';
import { type FlagSpec, filterFlag } from '../flags.ts';
import { formatList } from '../format/list-format.ts';
import { naturalLess } from '../format/natural-sort.ts';

/** A `--network` / `--network-add` value: a name, or `name=X,alias=Y,…` as the CLI's NetworkOpt reads it. */
function parseNetworkFlag(raw: string): { name: string; aliases: string[] } {
  let name = raw;
  const aliases: string[] = [];
  if (raw.includes('=')) {
    for (const part of raw.split(',')) {
      const [k, v = ''] = part.split('=', 2) as [string, string?];
      if (k === 'name') name = v;
      else if (k === 'alias') aliases.push(v);
    }
  }
  return { name, aliases };
}

/**
 * The CLI's `updateNetworks`: drop `--network-rm` ones (by ID), append `--network-add` ones (an
 * already attached one is an error), and send them sorted by network ID. Returns an error text.
 */
function updatedNetworks(
  ctx: CommandContext,
  svc: ServiceRecord,
): Array<{ target: string; aliases: string[] }> | string {
  const removeIds = new Set<string>();
  for (const term of ctx.flags.list('network-rm')) {
    const nw = tryFindNetwork(ctx.engine, term);
    if (!nw) return `Error: No such network: ${term}`;
    removeIds.add(nw.id);
  }
  const out = svc.networks.filter((n) => !removeIds.has(n.target)).map((n) => ({ ...n }));
  for (const raw of ctx.flags.list('network-add')) {
    const { name, aliases } = parseNetworkFlag(raw);
    const nw = tryFindNetwork(ctx.engine, name);
    if (!nw) return `Error: No such network: ${name}`;
    if (out.some((n) => n.target === nw.id)) return `service is already attached to network ${name}`;
    out.push({ target: nw.id, aliases });
  }
  return out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

const specFlags: FlagSpec[] = [
  { name: 'constraint', type: 'list', help: 'Placement constraints' },
  { name: 'container-label', type: 'list', help: 'Container labels' },
  {
    name: 'detach',
    short: 'd',
    type: 'bool',
    help: 'Exit immediately instead of waiting for the service to converge',
  },
  { name: 'dns', type: 'list', help: 'Set custom DNS servers' },
  { name: 'endpoint-mode', type: 'string', defaultText: '"vip"', help: 'Endpoint mode (vip or dnsrr)' },
  { name: 'entrypoint', type: 'string', help: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
  { name: 'hostname', type: 'string', help: 'Container hostname' },
  {
    name: 'init',
    type: 'bool',
    help: 'Use an init inside each service container to forward signals and reap processes',
  },
  { name: 'label', short: 'l', type: 'list', help: 'Service labels' },
  { name: 'limit-cpu', type: { repeatable: false, typeName: 'decimal' }, help: 'Limit CPUs' },
  { name: 'limit-memory', type: { repeatable: false, typeName: 'bytes' }, help: 'Limit Memory' },
  {
    name: 'mount',
    type: { repeatable: true, typeName: 'mount' },
    help: 'Attach a filesystem mount to the service',
  },
  { name: 'name', type: 'string', help: 'Service name' },
  { name: 'network', type: { repeatable: true, typeName: 'network' }, help: 'Network attachments' },
  {
    name: 'publish',
    short: 'p',
    type: { repeatable: true, typeName: 'port' },
    help: 'Publish a port as a node port',
  },
  { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress progress output' },
  { name: 'replicas', type: 'uint', help: 'Number of tasks' },
  {
    name: 'restart-condition',
    type: 'string',
    help: 'Restart when condition is met ("none"|"on-failure"|"any") (default "any")',
  },
  { name: 'user', short: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'with-registry-auth', type: 'bool', help: 'Send registry authentication details to swarm agents' },
  { name: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container' },
];

/** `-p 8080:80[/udp]`, `-p 80`, or the long form `published=8080,target=80,protocol=udp,mode=host`. */
function parsePort(text: string): PortConfigRequest | string {
  if (text.includes('=')) {
    const p: PortConfigRequest = {};
    for (const part of text.split(',')) {
      const [k, v = ''] = part.split('=', 2) as [string, string?];
      if (k === 'published') p.PublishedPort = Number(v);
      else if (k === 'target') p.TargetPort = Number(v);
      else if (k === 'protocol') p.Protocol = v;
      else if (k === 'mode') p.PublishMode = v;
      else return `invalid field key ${k}`;
    }
    if (!p.TargetPort) return 'missing mandatory field "target"';
    return p;
  }
  const [ports, proto = 'tcp'] = text.split('/', 2) as [string, string?];
  const parts = ports.split(':');
  const target = Number(parts[parts.length - 1]);
  const published = parts.length > 1 ? Number(parts[parts.length - 2]) : 0;
  if (!Number.isInteger(target) || !Number.isInteger(published)) return `invalid containerPort: ${ports}`;
  return { Protocol: proto, TargetPort: target, PublishedPort: published, PublishMode: 'ingress' };
}

type PortRecord = ServiceRecord['ports'][number];

const portKey = (p: PortRecord) => `${p.publishedPort}:${p.targetPort}/${p.protocol}/${p.publishMode}`;

/**
 * The CLI's `updatePorts`: ports matching a `--publish-rm` (target port, protocol and mode) go,
 * `--publish-add` ports not already there join, and the list is sorted by its text form
 * (`published:target/protocol/mode`).
 */
function updatePorts(current: PortRecord[], add: PortConfigRequest[], rm: PortConfigRequest[]): PortRecord[] {
  const norm = (p: PortConfigRequest): PortRecord => ({
    protocol: p.Protocol || 'tcp',
    targetPort: p.TargetPort ?? 0,
    publishedPort: p.PublishedPort ?? 0,
    publishMode: p.PublishMode || 'ingress',
  });
  const seen = new Map<string, PortRecord>();
  for (const p of current) if (!seen.has(portKey(p))) seen.set(portKey(p), p);
  const removed = rm.map(norm);
  const out = [...seen.values()].filter(
    (p) =>
      !removed.some(
        (r) => r.protocol === p.protocol && r.targetPort === p.targetPort && r.publishMode === p.publishMode,
      ),
  );
  for (const p of add.map(norm)) if (!seen.has(portKey(p))) out.push(p);
  return out.sort((a, b) => (portKey(a) < portKey(b) ? -1 : portKey(a) > portKey(b) ? 1 : 0));
}

/** The CLI's `updateEnvironment`: `--env-add` sets (replacing the same name), `--env-rm` drops by name. */
function updateEnv(current: string[], add: string[], rm: string[]): string[] {
  const name = (e: string) => e.split('=', 1)[0]!;
  const byName = new Map<string, string>();
  for (const e of current) byName.set(name(e), e);
  for (const e of add) byName.set(name(e), e);
  for (const r of rm) byName.delete(name(r));
  return [...byName.values()];
}

function printWarnings(ctx: CommandContext, warnings: string[]): void {
  for (const w of warnings) ctx.term.eprintln(w);
}

/** The CLI polls the service this often while it waits (`progress.ServiceProgress`). */
const POLL_MS = 200;
/** ... and watches converged tasks this long before it says so (UpdateConfig.Monitor). */
const MONITOR_MS = 5000;
/** Above this many replicas the CLI draws no per-slot lines. */
const MAX_PROGRESS_BARS = 20;

/**
 * What the CLI prints while it waits for the service to converge, without a terminal: the first
 * poll draws the overall line at 0 and an empty line per slot, then every poll prints the overall
 * line again with the tasks running by then (a line per poll: nothing is overwritten), then five
 * seconds of `verify:` lines. The swarm's clock moves on by the time that took.
 */
function convergeProgress(engine: Engine, service: ServiceRecord): string {
  const n = service.mode === 'global' ? 1 : service.replicas;
  // A requested rollback says so first, counts as rolling back, and says when it is done.
  const rollback = service.updateStatus?.rollback === true;
  const overall = rollback ? 'overall progress: rolling back update:' : 'overall progress:';
  const lines = rollback ? ['rollback: manually requested rollback'] : [];
  lines.push(`${overall} 0 out of ${n} tasks`);
  if (service.mode === 'replicated' && n <= MAX_PROGRESS_BARS) {
    for (let slot = 1; slot <= n; slot++) lines.push(`${slot}/${n}:  `);
  }
  const start = swarmNowMs(engine);
  const ready = slotReadyTimes(service, start);
  let poll = 0;
  // A service that cannot converge (no task will run) is waited on for as long as a person would.
  for (; poll < 3000; poll++) {
    const at = start + poll * POLL_MS;
    const running = ready.filter((r) => r <= at).length;
    lines.push(`${overall} ${running} out of ${n} tasks`);
    if (running >= n) break;
  }
  for (let i = 0; i < MONITOR_MS / POLL_MS; i++) {
    const left = MONITOR_MS / 1000 - Math.floor((i * POLL_MS) / 1000);
    lines.push(`verify: Waiting ${left} seconds to verify that tasks are stable...`);
  }
  lines.push('verify: Service converged');
  if (rollback) lines.push('rollback: rollback completed');
  advanceSwarmClock(engine, (poll + MONITOR_MS / POLL_MS) * POLL_MS);
  return `${lines.join('\n')}\n`;
}

const create: LeafCommand = {
  name: 'create',
  use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new service',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  flags: [
    ...specFlags,
    {
      name: 'mode',
      type: 'string',
      defaultText: '"replicated"',
      help: 'Service mode (replicated or global)',
    },
  ],
  run(ctx) {
    const { flags } = ctx;
    const mode = flags.string('mode', 'replicated');
    if (mode !== 'replicated' && mode !== 'global') {
      ctx.term.eprintln(`invalid argument "${mode}" for "--mode" flag: invalid service mode ${mode}`);
      return 1;
    }
    if (flags.has('replicas') && mode !== 'replicated') {
      ctx.term.eprintln('replicas can only be used with replicated mode');
      return 1;
    }
    const ports: PortConfigRequest[] = [];
    for (const p of flags.list('publish')) {
      const parsed = parsePort(p);
      if (typeof parsed === 'string') {
        ctx.term.eprintln(`invalid argument "${p}" for "-p, --publish" flag: ${parsed}`);
        ctx.term.eprintln(`See '${ctx.path} --help'.`);
        return 125;
      }
      ports.push(parsed);
    }
    const networks: Array<{ Target: string; Aliases?: string[] }> = [];
    try {
      requireManager(ctx.engine);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    for (const raw of flags.list('network')) {
      const { name, aliases } = parseNetworkFlag(raw);
      const nw = tryFindNetwork(ctx.engine, name);
      if (!nw) {
        ctx.term.eprintln(`Error: No such network: ${name}`);
        return 1;
      }
      networks.push({ Target: nw.id, ...(aliases.length ? { Aliases: aliases } : {}) });
    }
    const labels: Record<string, string> = {};
    for (const l of flags.list('label')) {
      const eq = l.indexOf('=');
      labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
    }
    const spec: ServiceSpecRequest = {
      Name: flags.string('name'),
      Labels: labels,
      TaskTemplate: {
        ContainerSpec: { Image: ctx.args[0]!, Args: ctx.args.slice(1), Env: flags.list('env') },
        Networks: networks,
      },
      Mode: mode === 'global' ? { Global: {} } : { Replicated: { Replicas: flags.int('replicas', 1) } },
      EndpointSpec: { Mode: flags.string('endpoint-mode', 'vip'), Ports: ports },
    };
    try {
      const { service, warnings } = serviceCreate(ctx.engine, spec);
      printWarnings(ctx, warnings);
      ctx.term.println(service.id);
      if (!flags.bool('detach')) {
        // Quiet or not, the CLI waits for the service to converge.
        const progress = convergeProgress(ctx.engine, service);
        if (!flags.bool('quiet')) ctx.term.out(progress);
      }
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

function notFoundService(e: unknown, term: string): { notFound: string } | null {
  if (e instanceof EngineError && e.status === 404) return { notFound: `Error: No such service: ${term}` };
  return null;
}

const inspect: LeafCommand = {
  name: 'inspect',
  use: '[OPTIONS] SERVICE [SERVICE...]',
  short: 'Display detailed information on one or more services',
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
    if (ctx.flags.bool('pretty')) {
      if (ctx.flags.string('format')) {
        ctx.term.eprintln('--format is incompatible with human friendly format');
        return 1;
      }
      let status = 0;
      for (const term of ctx.args) {
        try {
          ctx.term.out(prettyService(ctx.engine, findService(ctx.engine, term)));
        } catch (e) {
          const nf = notFoundService(e, term);
          if (!nf) throw e;
          ctx.term.eprintln(nf.notFound);
          status = 1;
        }
      }
      return status;
    }
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (term) => {
      try {
        return serviceView(ctx.engine, findService(ctx.engine, term));
      } catch (e) {
        const nf = notFoundService(e, term);
        if (nf) return nf;
        throw e;
      }
    });
  },
};

/** The CLI's `--pretty` service template, for what the sandbox's services hold. */
function prettyService(engine: Engine, s: ServiceRecord): string {
  const lines = ['', `ID:\t\t${s.id}`, `Name:\t\t${s.name}`];
  if (Object.keys(s.labels).length) {
    lines.push('Labels:');
    for (const k of Object.keys(s.labels).sort()) lines.push(` ${k}=${s.labels[k]}`);
  }
  if (s.mode === 'global') lines.push('Service Mode:\tGlobal');
  else lines.push('Service Mode:\tReplicated', ` Replicas:\t${s.replicas}`);
  if (s.updateStatus) {
    const now = swarmNowMs(engine);
    const done = now >= s.updateStatus.completesAtMs;
    const { state, message } = updateStatusText(s.updateStatus, done);
    lines.push('UpdateStatus:', ` State:\t\t${state}`);
    lines.push(` Started:\t${humanDuration(now - s.updateStatus.startedAtMs)} ago`);
    if (done) lines.push(` Completed:\t${humanDuration(now - s.updateStatus.completesAtMs)} ago`);
    lines.push(` Message:\t${message}`);
  }
  lines.push(
    'Placement:',
    'UpdateConfig:',
    ' Parallelism:\t1',
    ' On failure:\tpause',
    ' Monitoring Period: 5s',
    ' Max failure ratio: 0',
    ' Update order:      stop-first',
    'RollbackConfig:',
    ' Parallelism:\t1',
    ' On failure:\tpause',
    ' Monitoring Period: 5s',
    ' Max failure ratio: 0',
    ' Rollback order:    stop-first',
    'ContainerSpec:',
    ` Image:\t\t${s.image}`,
  );
  if (s.args.length) lines.push(` Args:\t\t${s.args.join(' ')} `);
  if (s.env.length) lines.push(` Env:\t\t${s.env.join(' ')} `);
  lines.push(' Init:\t\tfalse', 'Resources:');
  if (s.networks.length) {
    // The CLI names the networks it can resolve.
    const names = s.networks.map(
      (n) => engine.state.networks.find((x) => x.id === n.target)?.name ?? n.target,
    );
    lines.push(`Networks:${names.map((n) => ` ${n}`).join('')} `);
  }
  lines.push('Endpoint Mode:\tvip');
  if (s.ports.length) {
    lines.push('Ports:');
    for (const p of s.ports) {
      lines.push(
        ` PublishedPort = ${p.publishedPort}`,
        `  Protocol = ${p.protocol}`,
        `  TargetPort = ${p.targetPort}`,
        `  PublishMode = ${p.publishMode}`,
      );
    }
  }
  return `${lines.join('\n')}\n\n`;
}

function runningTasks(s: ServiceRecord): number {
  return s.tasks.filter((t) => t.state === 'running').length;
}

/**
 * The PORTS column as the CLI's `serviceContext.Ports` draws it: ingress ports sorted by protocol
 * then published port, runs of consecutive published and target ports folded into ranges
 * (`*:8080-8081->80-81/tcp`). Differences are unsigned there: a smaller port starts a new range.
 */
function portsText(s: ServiceRecord): string {
  const sorted = [...s.ports].sort((a, b) =>
    a.protocol === b.protocol ? a.publishedPort - b.publishedPort : a.protocol < b.protocol ? -1 : 1,
  );
  const gap = (a: number, b: number) => (a < b ? Number.POSITIVE_INFINITY : a - b);
  const out: string[] = [];
  let pr = { pStart: 0, pEnd: 0, tStart: 0, tEnd: 0, protocol: '' };
  const text = (r: typeof pr) =>
    `*:${r.pEnd > r.pStart ? `${r.pStart}-${r.pEnd}` : r.pStart}->${r.tEnd > r.tStart ? `${r.tStart}-${r.tEnd}` : r.tStart}/${r.protocol}`;
  for (const p of sorted) {
    if (p.publishMode !== 'ingress') continue;
    const isRange = pr.tEnd !== pr.tStart;
    if (
      p.protocol !== pr.protocol ||
      gap(p.publishedPort, pr.pEnd) > 1 ||
      gap(p.targetPort, pr.tEnd) > 1 ||
      (isRange && p.targetPort <= pr.tEnd)
    ) {
      if (pr.pStart > 0) out.push(text(pr));
      pr = {
        pStart: p.publishedPort,
        pEnd: p.publishedPort,
        tStart: p.targetPort,
        tEnd: p.targetPort,
        protocol: p.protocol,
      };
      continue;
    }
    pr.pEnd = p.publishedPort;
    pr.tEnd = p.targetPort;
  }
  if (pr.pStart > 0) out.push(text(pr));
  return out.join(', ');
}

/**
 * A CLI formatting context: its methods for templates, and for `{{json .}}` (the CLI's
 * `formatter.MarshalJSON`) every method that takes no argument, by name.
 */
export function listContext(type: string, methods: Record<string, GoFunc>, fields: GoField[] = []): GoValue {
  const json = Object.keys(methods)
    .filter((k) => k !== 'Label')
    .sort()
    .map((k) => f(k, methods[k]!.call()));
  return goStruct(type, [...fields.map((x) => ({ ...x, json: '-' })), ...json], methods);
}

/** The CLI's service list format (`service ls`, `stack services`). */
export const serviceListFormat = (noTrunc: boolean) => ({
  defaultFormat: 'table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}',
  headers: { ID: 'ID', Name: 'NAME', Mode: 'MODE', Replicas: 'REPLICAS', Image: 'IMAGE', Ports: 'PORTS' },
  context: (s: ServiceRecord): GoValue =>
    listContext(
      '*service.serviceContext',
      {
        ID: goFunc(() => (noTrunc ? s.id : s.id.slice(0, 12))),
        Name: goFunc(() => s.name),
        Mode: goFunc(() => s.mode),
        Replicas: goFunc(() =>
          s.mode === 'global' ? `${runningTasks(s)}/1` : `${runningTasks(s)}/${s.replicas}`,
        ),
        Image: goFunc(() => s.image.split('@')[0]!),
        Ports: goFunc(() => portsText(s)),
      },
      [f('trunc', !noTrunc)],
    ),
});

const ls: LeafCommand = {
  name: 'ls',
  aliases: ['list'],
  use: '[OPTIONS]',
  short: 'List services',
  args: { kind: 'none' },
  flags: [
    filterFlag('Filter output based on conditions provided', true),
    { name: 'format', type: 'string', help: 'Pretty-print services using a Go template' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display IDs' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    try {
      const list = [...serviceList(ctx.engine, filters)].sort((a, b) =>
        naturalLess(a.name, b.name) ? -1 : naturalLess(b.name, a.name) ? 1 : 0,
      );
      const format = ctx.flags.bool('quiet') ? '{{.ID}}' : ctx.flags.string('format');
      ctx.term.out(formatList(serviceListFormat(false), list, format));
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

/** Docker's `units.HumanDuration` for "Running 5 seconds ago". */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  return `${h} hours`;
}

/** The task table of `service ps` and `node ps`. */
export function taskTable(
  engine: Engine,
  rows: Array<{ service: ServiceRecord; task: TaskRecord }>,
  flags: { bool(name: string): boolean; string(name: string): string },
): string {
  const nowMs = swarmNowMs(engine);
  const noTrunc = flags.bool('no-trunc');
  const nodeId = engine.state.swarm!.nodeId;
  const hostname = engine.state.daemon.hostname;
  const spec = {
    defaultFormat:
      'table {{.ID}}\t{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}\t{{.Ports}}',
    headers: {
      ID: 'ID',
      Name: 'NAME',
      Image: 'IMAGE',
      Node: 'NODE',
      DesiredState: 'DESIRED STATE',
      CurrentState: 'CURRENT STATE',
      Error: 'ERROR',
      Ports: 'PORTS',
    },
    context: ({ service, task }: { service: ServiceRecord; task: TaskRecord }): GoValue => {
      const shown = shownTaskState(task, nowMs);
      const since = nowMs - shown.sinceMs;
      const state = shown.state.charAt(0).toUpperCase() + shown.state.slice(1);
      const name = service.mode === 'global' ? `${service.name}.${nodeId}` : `${service.name}.${task.slot}`;
      return goStruct('*task.taskContext', [f('trunc', !noTrunc)], {
        ID: goFunc(() => (noTrunc ? task.id : task.id.slice(0, 12))),
        Name: goFunc(() => (indented.has(task) ? ` \\_ ${name}` : name)),
        Image: goFunc(() => service.image),
        Node: goFunc(() => hostname),
        DesiredState: goFunc(() => (task.desiredState ?? 'running').replace(/^./, (c) => c.toUpperCase())),
        CurrentState: goFunc(() => `${state} ${humanDuration(Math.max(0, since)).toLowerCase()} ago`),
        Error: goFunc(() => ''),
        Ports: goFunc(() => ''),
        CreatedAt: goFunc(() => goTimeString(task.created)),
      });
    },
  };
  // The CLI sorts by task name as text (web.10 before web.2), newest first within a name, and
  // in table formats indents the older tasks of a name under the newest.
  const taskNameOf = ({ service, task }: { service: ServiceRecord; task: TaskRecord }) =>
    service.mode === 'global' ? `${service.name}.${nodeId}` : `${service.name}.${task.slot}`;
  rows.sort((a, b) => {
    const na = taskNameOf(a);
    const nb = taskNameOf(b);
    if (na !== nb) return na < nb ? -1 : 1;
    return Date.parse(b.task.created) - Date.parse(a.task.created);
  });
  const format = flags.bool('quiet') ? '{{.ID}}' : flags.string('format');
  const table = format === '' || format.startsWith('table');
  const indented = new Set<TaskRecord>();
  rows.forEach((r, i) => {
    if (table && i > 0 && taskNameOf(rows[i - 1]!) === taskNameOf(r)) indented.add(r.task);
  });
  return formatList(spec, rows, format);
}

const ps: LeafCommand = {
  name: 'ps',
  use: '[OPTIONS] SERVICE [SERVICE...]',
  short: 'List the tasks of one or more services',
  args: { kind: 'min', n: 1 },
  flags: [
    filterFlag('Filter output based on conditions provided', true),
    { name: 'format', type: 'string', help: 'Pretty-print tasks using a Go template' },
    { name: 'no-resolve', type: 'bool', help: 'Do not map IDs to Names' },
    { name: 'no-trunc', type: 'bool', help: 'Do not truncate output' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display task IDs' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    try {
      // The CLI's createFilter: each argument by full ID, full name, then unique ID prefix.
      const swarm = requireManager(ctx.engine);
      const services = swarm.services;
      const notFound: string[] = [];
      const ids: string[] = [];
      for (const term of ctx.args) {
        const exact = services.find((s) => s.id === term) ?? services.find((s) => s.name === term);
        if (exact) {
          ids.push(exact.id);
          continue;
        }
        const byPrefix = services.filter((s) => s.id.startsWith(term));
        if (byPrefix.length > 1) {
          ctx.term.eprintln(`multiple services found with provided prefix: ${term}`);
          return 1;
        }
        if (byPrefix.length === 1) ids.push(byPrefix[0]!.id);
        else notFound.push(`no such service: ${term}`);
      }
      if (!ids.length) {
        ctx.term.eprintln(notFound.join('\n'));
        return 1;
      }
      const taskFilters: Record<string, string[]> = {
        ...filters,
        service: [...(filters.service ?? []), ...ids],
      };
      // `self` is the CLI's own name for the node it talks to (`node.Reference`).
      if (taskFilters.node) taskFilters.node = taskFilters.node.map((n) => (n === 'self' ? swarm.nodeId : n));
      const rows = taskListFiltered(ctx.engine, taskFilters);
      ctx.term.out(taskTable(ctx.engine, rows, ctx.flags));
      if (notFound.length) {
        ctx.term.eprintln(notFound.join('\n'));
        return 1;
      }
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const rm: LeafCommand = {
  name: 'rm',
  aliases: ['remove'],
  use: 'SERVICE [SERVICE...]',
  short: 'Remove one or more services',
  args: { kind: 'min', n: 1 },
  flags: [],
  run(ctx) {
    try {
      requireManager(ctx.engine);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    const errors: string[] = [];
    for (const term of ctx.args) {
      try {
        serviceRemove(ctx.engine, term);
        ctx.term.println(term);
      } catch (e) {
        if (e instanceof EngineError && e.status === 404) errors.push(`No such service: ${term}`);
        else if (e instanceof EngineError) errors.push(e.message);
        else throw e;
      }
    }
    if (errors.length) {
      ctx.term.eprintln(`Error: ${errors.join('\n')}`);
      return 1;
    }
    return 0;
  },
};

const scale: LeafCommand = {
  name: 'scale',
  use: 'SERVICE=REPLICAS [SERVICE=REPLICAS...]',
  short: 'Scale one or multiple replicated services',
  args: { kind: 'min', n: 1 },
  flags: [
    {
      name: 'detach',
      short: 'd',
      type: 'bool',
      help: 'Exit immediately instead of waiting for the service to converge',
    },
  ],
  run(ctx) {
    for (const arg of ctx.args) {
      const parts = arg.split('=');
      if (parts.length !== 2) {
        ctx.term.eprintln(
          `Invalid scale specifier '${arg}'.\nSee '${ctx.path} --help'.\n\nUsage:  ${ctx.path} SERVICE=REPLICAS [SERVICE=REPLICAS...]\n\nScale one or multiple replicated services`,
        );
        return 1;
      }
    }
    const errors: string[] = [];
    const scaled: ServiceRecord[] = [];
    for (const arg of ctx.args) {
      const eq = arg.indexOf('=');
      const name = arg.slice(0, eq);
      const value = arg.slice(eq + 1);
      const replicas = parseUint64(value);
      if (typeof replicas === 'string') {
        errors.push(`${name}: invalid replicas value ${value}: ${replicas}`);
        continue;
      }
      try {
        const svc = findService(ctx.engine, name);
        if (svc.mode !== 'replicated') {
          errors.push(`${name}: scale can only be used with replicated or replicated-job mode`);
          continue;
        }
        const { warnings } = serviceUpdate(ctx.engine, svc.id, { replicas: Number(replicas) });
        printWarnings(ctx, warnings);
        ctx.term.println(`${name} scaled to ${replicas}`);
        scaled.push(svc);
      } catch (e) {
        if (e instanceof EngineError && e.status === 404)
          errors.push(`${name}: Error: No such service: ${name}`);
        else if (e instanceof EngineError) errors.push(`${name}: Error response from daemon: ${e.message}`);
        else throw e;
      }
    }
    // The CLI waits for each service it scaled, then reports what failed.
    if (!ctx.flags.bool('detach')) {
      for (const svc of scaled) ctx.term.out(convergeProgress(ctx.engine, svc));
    }
    if (errors.length) {
      ctx.term.eprintln(errors.join('\n'));
      return 1;
    }
    return 0;
  },
};

/** Go's `strconv.ParseUint(s, 10, 64)`: the value, or the error text after `strconv.ParseUint: `. */
function parseUint64(text: string): bigint | string {
  if (!/^[0-9]+$/.test(text)) return `strconv.ParseUint: parsing "${text}": invalid syntax`;
  const n = BigInt(text);
  if (n > 0xffffffffffffffffn) return `strconv.ParseUint: parsing "${text}": value out of range`;
  return n;
}

const update: LeafCommand = {
  name: 'update',
  use: '[OPTIONS] SERVICE',
  short: 'Update a service',
  args: { kind: 'exact', n: 1 },
  flags: [
    ...specFlags.filter(
      (s) =>
        !['env', 'label', 'network', 'publish', 'constraint', 'mount', 'dns', 'container-label'].includes(
          s.name,
        ),
    ),
    { name: 'args', type: 'string', help: 'Service command args' },
    { name: 'env-add', type: 'list', help: 'Add or update an environment variable' },
    { name: 'env-rm', type: 'list', help: 'Remove an environment variable' },
    { name: 'force', type: 'bool', help: 'Force update even if no changes require it' },
    { name: 'image', type: 'string', help: 'Service image tag' },
    { name: 'label-add', type: 'list', help: 'Add or update a service label' },
    { name: 'label-rm', type: 'list', help: 'Remove a label by its key' },
    { name: 'rollback', type: 'bool', help: 'Rollback to previous specification' },
    {
      name: 'network-add',
      type: { repeatable: true, typeName: 'network' },
      help: 'Add a network',
    },
    { name: 'network-rm', type: 'list', help: 'Remove a network' },
    {
      name: 'publish-add',
      type: { repeatable: true, typeName: 'port' },
      help: 'Add or update a published port',
    },
    {
      name: 'publish-rm',
      type: { repeatable: true, typeName: 'port' },
      help: 'Remove a published port by its target port',
    },
  ],
  run(ctx) {
    const term = ctx.args[0]!;
    const labelError = labelFlagError(ctx, 'label-add');
    if (labelError) {
      ctx.term.eprintln(labelError);
      return 125;
    }
    try {
      const svc = findService(ctx.engine, term);
      if (ctx.flags.bool('rollback')) {
        // Rollback can't be combined with other flags (the CLI's check, after the lookup).
        if (ctx.flags.names().some((n) => !['rollback', 'detach', 'quiet'].includes(n))) {
          ctx.term.eprintln('other flags may not be combined with --rollback');
          return 1;
        }
        return rollbackAndWait(ctx, svc);
      }
      if (ctx.flags.has('replicas') && svc.mode !== 'replicated') {
        ctx.term.eprintln('replicas can only be used with replicated mode');
        return 1;
      }
      const change: Parameters<typeof serviceUpdate>[2] = {};
      if (ctx.flags.has('replicas')) change.replicas = ctx.flags.int('replicas');
      if (ctx.flags.has('image')) change.image = ctx.flags.string('image');
      if (ctx.flags.has('args')) change.args = ctx.flags.string('args').split(/\s+/).filter(Boolean);
      if (ctx.flags.has('env-add') || ctx.flags.has('env-rm')) {
        change.env = updateEnv(svc.env, ctx.flags.list('env-add'), ctx.flags.list('env-rm'));
      }
      if (ctx.flags.has('label-add') || ctx.flags.has('label-rm')) {
        change.labels = updateLabels(svc.labels, ctx.flags.list('label-add'), ctx.flags.list('label-rm'));
      }
      if (ctx.flags.has('publish-add') || ctx.flags.has('publish-rm')) {
        const add: PortConfigRequest[] = [];
        const rm: PortConfigRequest[] = [];
        for (const [flag, into] of [
          ['publish-add', add],
          ['publish-rm', rm],
        ] as const) {
          for (const p of ctx.flags.list(flag)) {
            const parsed = parsePort(p);
            if (typeof parsed === 'string') {
              ctx.term.eprintln(`invalid argument "${p}" for "--${flag}" flag: ${parsed}`);
              ctx.term.eprintln(`See '${ctx.path} --help'.`);
              return 125;
            }
            into.push(parsed);
          }
        }
        change.ports = updatePorts(svc.ports, add, rm);
      }
      if (ctx.flags.has('network-add') || ctx.flags.has('network-rm')) {
        const networks = updatedNetworks(ctx, svc);
        if (typeof networks === 'string') {
          ctx.term.eprintln(networks);
          return 1;
        }
        change.networks = networks;
      }
      if (ctx.flags.has('endpoint-mode')) {
        change.endpointMode = ctx.flags.string('endpoint-mode') === 'dnsrr' ? 'dnsrr' : 'vip';
      }
      const { warnings } = serviceUpdate(ctx.engine, term, change);
      printWarnings(ctx, warnings);
      ctx.term.println(term);
      if (!ctx.flags.bool('detach')) {
        const progress = convergeProgress(ctx.engine, svc);
        if (!ctx.flags.bool('quiet')) ctx.term.out(progress);
      }
      return 0;
    } catch (e) {
      if (e instanceof EngineError && e.status === 404 && e.message.startsWith('service ')) {
        ctx.term.eprintln(`Error: No such service: ${term}`);
        return 1;
      }
      return printDaemonError(ctx, e);
    }
  },
};

/** The CLI's `updateLabels`: `--label-rm` keys go, then `--label-add` ones are set. */
function updateLabels(current: Record<string, string>, add: string[], rm: string[]): Record<string, string> {
  const out = { ...current };
  for (const key of rm) delete out[key];
  for (const l of add) {
    const eq = l.indexOf('=');
    out[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return out;
}

/**
 * Label flag values are checked as pflag parses them (opts.ValidateLabel): the error the CLI
 * prints for the first bad one of flag `name` (shown as `desc`, `-l, --label`), or null.
 */
export function labelFlagError(ctx: CommandContext, name: string, desc = `--${name}`): string | null {
  for (const v of ctx.flags.list(name)) {
    const key = v.split('=', 1)[0]!.replace(/^[ \t\n\v\f\r]+/, '');
    let why = '';
    if (key === '') why = `invalid label '${v}': empty name`;
    else if (/[ \t\n\v\f\r]/.test(key)) why = `label '${key}' contains whitespaces`;
    if (why) return `invalid argument "${v}" for "${desc}" flag: ${why}\nSee '${ctx.path} --help'.`;
  }
  return null;
}

/** A server-side rollback (`rollback=previous`), then the CLI waits unless `--detach`. */
function rollbackAndWait(ctx: CommandContext, svc: ServiceRecord): number {
  const term = ctx.args[0]!;
  try {
    const { warnings } = serviceRollback(ctx.engine, svc.id);
    printWarnings(ctx, warnings);
  } catch (e) {
    return printDaemonError(ctx, e);
  }
  ctx.term.println(term);
  if (!ctx.flags.bool('detach')) {
    const progress = convergeProgress(ctx.engine, svc);
    if (!ctx.flags.bool('quiet')) ctx.term.out(progress);
  }
  return 0;
}

/** `docker service rollback [OPTIONS] SERVICE` (flags and usage from the recorded CLI). */
implementRecorded('docker service rollback', (ctx) => {
  const term = ctx.args[0]!;
  try {
    return rollbackAndWait(ctx, findService(ctx.engine, term));
  } catch (e) {
    if (e instanceof EngineError && e.status === 404) {
      ctx.term.eprintln(`Error: No such service: ${term}`);
      return 1;
    }
    return printDaemonError(ctx, e);
  }
});

registerCommand({
  name: 'service',
  short: 'Manage services',
  children: [create, inspect, ls, ps, rm, scale, update],
});
