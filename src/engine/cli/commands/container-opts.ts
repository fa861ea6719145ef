/**
 * The docker CLI's container options (`cli/command/container/opts.go`): the flags `run` and
 * `create` share, their client-side validation and their translation into the create request.
 */
import { parseIp } from '../../ipam.ts';
import { parseBind } from '../../ops/container-mounts.ts';
import type { ContainerCreateRequest } from '../../ops/containers.ts';
import type { FlagSpec, FlagValues } from '../flags.ts';

export const CONTAINER_FLAGS: FlagSpec[] = [
  { name: 'add-host', type: 'list', help: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'attach', short: 'a', type: 'list', help: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'cap-add', type: 'list', help: 'Add Linux capabilities' },
  { name: 'cap-drop', type: 'list', help: 'Drop Linux capabilities' },
  { name: 'cpus', type: { repeatable: false, typeName: 'decimal' }, help: 'Number of CPUs' },
  { name: 'detach', short: 'd', type: 'bool', help: 'Run container in background and print container ID' },
  { name: 'dns', type: 'list', help: 'Set custom DNS servers' },
  { name: 'dns-option', type: 'list', help: 'Set DNS options' },
  { name: 'dns-opt', type: 'list', help: 'Set DNS options', hidden: true },
  { name: 'dns-search', type: 'list', help: 'Set custom DNS search domains' },
  { name: 'domainname', type: 'string', help: 'Container NIS domain name' },
  { name: 'entrypoint', type: 'string', help: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
  { name: 'env-file', type: 'list', help: 'Read in a file of environment variables' },
  { name: 'expose', type: 'list', help: 'Expose a port or a range of ports' },
  { name: 'hostname', short: 'h', type: 'string', help: 'Container host name' },
  {
    name: 'init',
    type: 'bool',
    help: 'Run an init inside the container that forwards signals and reaps processes',
  },
  { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
  { name: 'ip', type: 'string', help: 'IPv4 address (e.g., 172.30.100.104)' },
  { name: 'ip6', type: 'string', help: 'IPv6 address (e.g., 2001:db8::33)' },
  { name: 'label', short: 'l', type: 'list', help: 'Set meta data on a container' },
  { name: 'label-file', type: 'list', help: 'Read in a line delimited file of labels' },
  { name: 'link', type: 'list', help: 'Add link to another container' },
  { name: 'log-driver', type: 'string', help: 'Logging driver for the container' },
  { name: 'log-opt', type: 'list', help: 'Log driver options' },
  { name: 'mac-address', type: 'string', help: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
  { name: 'memory', short: 'm', type: { repeatable: false, typeName: 'bytes' }, help: 'Memory limit' },
  {
    name: 'mount',
    type: { repeatable: true, typeName: 'mount' },
    help: 'Attach a filesystem mount to the container',
  },
  { name: 'name', type: 'string', help: 'Assign a name to the container' },
  {
    name: 'network',
    type: { repeatable: true, typeName: 'network' },
    help: 'Connect a container to a network',
  },
  {
    name: 'net',
    type: { repeatable: true, typeName: 'network' },
    help: 'Connect a container to a network',
    hidden: true,
  },
  { name: 'network-alias', type: 'list', help: 'Add network-scoped alias for the container' },
  { name: 'net-alias', type: 'list', help: 'Add network-scoped alias for the container', hidden: true },
  { name: 'pid', type: 'string', help: 'PID namespace to use' },
  { name: 'privileged', type: 'bool', help: 'Give extended privileges to this container' },
  { name: 'publish', short: 'p', type: 'list', help: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', type: 'bool', help: 'Publish all exposed ports to random ports' },
  {
    name: 'pull',
    type: 'string',
    defaultText: '"missing"',
    help: 'Pull image before running ("always"|"missing"|"never")',
  },
  { name: 'read-only', type: 'bool', help: "Mount the container's root filesystem as read only" },
  {
    name: 'restart',
    type: 'string',
    defaultText: '"no"',
    help: 'Restart policy to apply when a container exits',
  },
  { name: 'rm', type: 'bool', help: 'Automatically remove the container when it exits' },
  { name: 'stop-signal', type: 'string', defaultText: '"SIGTERM"', help: 'Signal to stop a container' },
  { name: 'stop-timeout', type: 'int', help: 'Timeout (in seconds) to stop a container' },
  { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
  { name: 'user', short: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'volume', short: 'v', type: 'list', help: 'Bind mount a volume' },
  { name: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container' },
];

/** A client-side error: printed as `docker: <text>.` (run) or flag-style, exit 125. */
export class OptsError extends Error {
  constructor(
    message: string,
    /** pflag-style (`invalid argument "x" for "--dns" flag: ...`), printed without `docker: `. */
    readonly flagStyle = false,
  ) {
    super(message);
  }
}

/** `nat.ParsePortSpecs` for `-p`: bindings by `port/proto`. */
export function parsePublish(specs: string[]): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const raw of specs) {
    const parts = raw.split(':');
    const n = parts.length;
    let ip = '';
    let hostPort = '';
    let containerPort = parts[n - 1]!;
    if (n === 2) hostPort = parts[0]!;
    else if (n === 3) {
      ip = parts[0]!;
      hostPort = parts[1]!;
    } else if (n > 3) {
      ip = parts.slice(0, n - 2).join(':');
      hostPort = parts[n - 2]!;
    }
    if (ip.startsWith('[')) ip = ip.replace(/^\[|\]$/g, '');
    else if (ip.includes(':'))
      throw new OptsError(`Invalid ip address ${ip}: address ${ip}:: too many colons in address`);
    if (ip && !parseIp(ip)) throw new OptsError(`Invalid ip address: ${ip}`);
    let proto = 'tcp';
    const slash = containerPort.indexOf('/');
    if (slash >= 0) {
      proto = containerPort.slice(slash + 1);
      containerPort = containerPort.slice(0, slash);
    }
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new OptsError(`Invalid proto: ${proto}`);
    if (containerPort === '') throw new OptsError(`No port specified: ${raw}<empty>`);
    const cRange = portRange(containerPort);
    if (!cRange) throw new OptsError(`Invalid containerPort: ${containerPort}`);
    let hRange: [number, number] | null = null;
    if (hostPort !== '') {
      hRange = portRange(hostPort);
      if (!hRange) throw new OptsError(`Invalid hostPort: ${hostPort}`);
    }
    const [cs, ce] = cRange;
    if (hRange && ce - cs !== hRange[1] - hRange[0]) {
      if (ce !== cs)
        throw new OptsError(
          `Invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`,
        );
    }
    for (let i = 0; i <= ce - cs; i++) {
      const key = `${cs + i}/${proto}`;
      let hp = '';
      if (hRange)
        hp = hRange[1] - hRange[0] === ce - cs ? String(hRange[0] + i) : `${hRange[0]}-${hRange[1]}`;
      out[key] = [...(out[key] ?? []), { HostIp: ip, HostPort: hp }];
    }
  }
  return out;
}

function portRange(text: string): [number, number] | null {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return null;
  const s = Number(m[1]);
  const e = m[2] === undefined ? s : Number(m[2]);
  if (s > 65535 || e > 65535 || e < s) return null;
  return [s, e];
}

function parseExpose(list: string[]): string[] {
  const out: string[] = [];
  for (const raw of list) {
    let [port, proto] = raw.split('/') as [string, string | undefined];
    proto ??= 'tcp';
    const r = portRange(port);
    if (!r)
      throw new OptsError(
        `invalid range format for --expose: ${raw}, error: Invalid range specified for the Port: ${port}`,
      );
    for (let p = r[0]; p <= r[1]; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

/** `units.RAMInBytes`, as the `bytes` flags (`-m 64m`) read their value; null when it does not parse. */
export function parseBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(text);
  if (!m) return null;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[
    m[2]!.toLowerCase() as ''
  ];
  return Math.floor(Number(m[1]) * mult);
}

/** Builds the create request from the parsed flags, image and command. */
/** The sandbox host's files, as the CLI reads `--env-file` and `--label-file` (relative to `/`). */
export interface HostFileReader {
  read(path: string): string | null;
  isDir(path: string): boolean;
}

const KV_SPACES = ' \t\r\n\v\f';

/**
 * The CLI's `parseKeyValueFile`: `KEY=value` lines (leading space trimmed, `#` comments); a bare
 * `KEY` takes the host's value when `hostEnv` has it (env files) or is dropped.
 */
export function readKeyValueFile(
  host: HostFileReader,
  file: string,
  hostEnv: Record<string, string> | null,
): string[] {
  const path = file.startsWith('/') ? file : `/${file}`;
  if (host.isDir(path)) throw new OptsError(`read ${file}: is a directory`);
  const text = host.read(path);
  if (text === null) throw new OptsError(`open ${file}: no such file or directory`);
  const out: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i, all) => {
      if (i === all.length - 1 && raw === '') return;
      const line = raw.replace(/^\s+/, '');
      if (!line || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      const variable = (eq < 0 ? line : line.slice(0, eq)).replace(new RegExp(`^[${KV_SPACES}]+`), '');
      if ([...variable].some((ch) => KV_SPACES.includes(ch))) {
        throw new OptsError(`poorly formatted environment: variable '${variable}' contains whitespaces`);
      }
      if (!variable) throw new OptsError(`poorly formatted environment: no variable name on line '${line}'`);
      if (eq >= 0) out.push(`${variable}=${line.slice(eq + 1)}`);
      else if (hostEnv && hostEnv[line.trim()] !== undefined)
        out.push(`${line.trim()}=${hostEnv[line.trim()]}`);
    });
  return out;
}

export function buildCreateRequest(
  flags: FlagValues,
  image: string,
  cmd: string[],
  hostEnv: Record<string, string> = {},
  host: HostFileReader = { read: () => null, isDir: () => false },
): ContainerCreateRequest {
  for (const h of flags.list('add-host')) {
    const i = h.indexOf(':');
    if (i <= 0)
      throw new OptsError(
        `invalid argument "${h}" for "--add-host" flag: bad format for add-host: "${h}"`,
        true,
      );
    const addr = h.slice(i + 1);
    if (addr !== 'host-gateway' && !parseIp(addr))
      throw new OptsError(
        `invalid argument "${h}" for "--add-host" flag: invalid IP address in add-host: "${addr}"`,
        true,
      );
  }
  for (const d of flags.list('dns')) {
    if (!parseIp(d))
      throw new OptsError(`invalid argument "${d}" for "--dns" flag: ${d} is not an ip address`, true);
  }
  let memory = 0;
  if (flags.has('memory')) {
    const m = parseBytes(flags.string('memory'));
    if (m === null)
      throw new OptsError(
        `invalid argument "${flags.string('memory')}" for "-m, --memory" flag: invalid size: '${flags.string('memory')}'`,
        true,
      );
    memory = m;
  }
  const ports = parsePublish(flags.list('publish'));
  const exposed: Record<string, object> = {};
  for (const p of parseExpose(flags.list('expose'))) exposed[p] = {};
  // nat.ParsePortSpecs: every published port is exposed too.
  for (const p of Object.keys(ports)) exposed[p] = {};
  const networks = [...flags.list('network'), ...flags.list('net')];
  const aliases = [...flags.list('network-alias'), ...flags.list('net-alias')];
  const networkMode = networks[0] ?? 'default';
  if (aliases.length && (networkMode === 'host' || networkMode.startsWith('container:'))) {
    throw new OptsError('network-scoped aliases are only supported for user-defined networks');
  }
  const env: string[] = [];
  for (const file of flags.list('env-file')) env.push(...readKeyValueFile(host, file, hostEnv));
  for (const e of flags.list('env')) {
    if (e.includes('=')) env.push(e);
    else if (hostEnv[e] !== undefined) env.push(`${e}=${hostEnv[e]}`);
  }
  const labels: Record<string, string> = {};
  const labelLines = flags.list('label-file').flatMap((file) => readKeyValueFile(host, file, null));
  for (const l of [...labelLines, ...flags.list('label')]) {
    const i = l.indexOf('=');
    if (i < 0) labels[l] = '';
    else labels[l.slice(0, i)] = l.slice(i + 1);
  }
  const restartRaw = flags.string('restart');
  const [restartName, restartMax] = restartRaw.split(':') as [string, string | undefined];
  const endpoint: NonNullable<
    NonNullable<ContainerCreateRequest['NetworkingConfig']>['EndpointsConfig']
  >[string] = {};
  if (aliases.length) endpoint.Aliases = aliases;
  // The CLI copies `--link` into the endpoint of a user-defined network: there the daemon makes
  // it a DNS alias of that endpoint instead of a legacy link.
  if (flags.list('link').length && isUserDefinedMode(networkMode)) endpoint.Links = flags.list('link');
  const ipv4 = flags.string('ip');
  const ipv6 = flags.string('ip6');
  if (ipv4 || ipv6)
    endpoint.IPAMConfig = { ...(ipv4 ? { IPv4Address: ipv4 } : {}), ...(ipv6 ? { IPv6Address: ipv6 } : {}) };
  const endpointsConfig: Record<string, typeof endpoint> = {};
  for (const n of networks) endpointsConfig[n] = networks.length === 1 ? endpoint : {};
  if (networks.length === 0 && (aliases.length || ipv4 || ipv6)) endpointsConfig.default = endpoint;
  if (flags.bool('rm') && restartName !== '' && restartName !== 'no') {
    throw new OptsError('Conflicting options: --restart and --rm');
  }
  // parseLoggingOpts: KEY=VALUE (a lone KEY is an empty value), none takes no options.
  const logOpts: Record<string, string> = {};
  for (const o of flags.list('log-opt')) {
    const i = o.indexOf('=');
    if (i < 0) logOpts[o] = '';
    else logOpts[o.slice(0, i)] = o.slice(i + 1);
  }
  if (flags.string('log-driver') === 'none' && Object.keys(logOpts).length) {
    throw new OptsError('invalid logging opts for driver none');
  }
  // parseNetworkOpts: each network once, and not user-defined ones beside built-in modes.
  const seenNetworks = new Set<string>();
  for (const n of networks) {
    if (seenNetworks.has(n)) throw new OptsError(`network ${JSON.stringify(n)} is specified multiple times`);
    seenNetworks.add(n);
  }
  if (networks.some(isUserDefinedMode) && !networks.every(isUserDefinedMode)) {
    throw new OptsError(
      'conflicting options: cannot attach both user-defined and non-user-defined network-modes',
    );
  }
  // `-v SRC:DST` is a bind (a named volume or a host path); a lone `-v /data` asks for a volume
  // there (Config.Volumes): the daemon makes an anonymous one.
  const binds = flags.list('volume').filter((v) => parseBind(v) !== null);
  const volumePaths = flags.list('volume').filter((v) => parseBind(v) === null);
  const detach = flags.bool('detach');
  const interactive = flags.bool('interactive');
  const entrypoint = flags.has('entrypoint')
    ? flags.string('entrypoint')
      ? [flags.string('entrypoint')]
      : []
    : null;
  return {
    ...(flags.string('name') ? { name: flags.string('name') } : {}),
    Hostname: flags.string('hostname'),
    Domainname: flags.string('domainname'),
    User: flags.string('user'),
    AttachStdin: !detach && interactive,
    AttachStdout: !detach,
    AttachStderr: !detach,
    ExposedPorts: exposed,
    Tty: flags.bool('tty'),
    OpenStdin: interactive,
    StdinOnce: !detach && interactive,
    Env: env,
    Cmd: cmd.length ? cmd : null,
    Image: image,
    WorkingDir: flags.string('workdir'),
    Entrypoint: entrypoint,
    ...(volumePaths.length ? { Volumes: Object.fromEntries(volumePaths.map((v) => [v, {}])) } : {}),
    ...(flags.string('mac-address') ? { MacAddress: flags.string('mac-address') } : {}),
    Labels: labels,
    ...(flags.has('stop-signal') ? { StopSignal: flags.string('stop-signal') } : {}),
    HostConfig: {
      NetworkMode: networkMode,
      PortBindings: ports,
      PublishAllPorts: flags.bool('publish-all'),
      AutoRemove: flags.bool('rm'),
      Dns: flags.list('dns'),
      DnsSearch: flags.list('dns-search'),
      DnsOptions: [...flags.list('dns-option'), ...flags.list('dns-opt')],
      ExtraHosts: flags.list('add-host').length ? flags.list('add-host') : null,
      Links: flags.list('link').length ? flags.list('link') : null,
      RestartPolicy: { Name: restartName, MaximumRetryCount: restartMax ? Number(restartMax) : 0 },
      Privileged: flags.bool('privileged'),
      CapAdd: flags.list('cap-add').length ? flags.list('cap-add') : null,
      Memory: memory,
      Binds: binds.length ? binds : null,
      LogConfig: { Type: flags.string('log-driver'), Config: logOpts },
    },
    NetworkingConfig: { EndpointsConfig: endpointsConfig },
  };
}

/** runconfig's `NetworkMode.IsUserDefined`. */
function isUserDefinedMode(mode: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');
}
