/**
 * The compose project: files found and loaded from the sandbox host (`-f`, `--project-directory`,
 * `-p`, or the default file names from `/root`), validated, and normalized into services,
 * networks and volumes with their Docker names.
 */
import type { Engine } from '../engine.ts';
import { ComposeError, type ComposeStyle, V2_EXIT } from './errors.ts';
import { basename, dirname, HOME, isHostDir, readHostFile, resolvePath } from './host-files.ts';
import {
  type ComposeFileData,
  isObject,
  type NetworkData,
  type ServiceData,
  type VolumeData,
  validateFile,
} from './schema.ts';
import { parseYamlText } from './yaml-text.ts';

export const SUPPORTED_FILENAMES = [
  'docker-compose.yml',
  'docker-compose.yaml',
  'compose.yml',
  'compose.yaml',
];

export interface ProjectOptions {
  files: string[];
  projectName?: string;
  projectDirectory?: string;
  style: ComposeStyle;
}

export interface PortSpec {
  hostIp: string;
  /** '' for an ephemeral port. */
  published: string;
  target: number;
  protocol: string;
}

export interface ServiceNetwork {
  /** Key in the top-level `networks` (`default` for the implicit one). */
  key: string;
  aliases: string[];
  ipv4?: string;
  ipv6?: string;
}

export interface ServiceModel {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string };
  command: string[] | null;
  entrypoint: string[] | null;
  ports: PortSpec[];
  expose: string[];
  networks: ServiceNetwork[];
  networkMode?: string;
  dependsOn: string[];
  environment: string[];
  labels: Record<string, string>;
  containerName?: string;
  hostname?: string;
  restart: string;
  workingDir?: string;
  user?: string;
  tty: boolean;
  stdinOpen: boolean;
  volumes: Array<{ source: string; target: string; kind: 'volume' | 'bind' | 'anonymous' }>;
  raw: ServiceData;
}

export interface NetworkModel {
  key: string;
  /** The Docker network's name. */
  name: string;
  external: boolean;
  driver?: string;
  driverOpts: Record<string, string>;
  ipamDriver?: string;
  ipamConfig: Array<{
    subnet?: string;
    ipRange?: string;
    gateway?: string;
    auxAddresses?: Record<string, string>;
  }>;
  internal: boolean;
  attachable: boolean;
  enableIpv6: boolean;
  labels: Record<string, string>;
  /** Declared in the file (as opposed to the implicit `default`). */
  declared: boolean;
}

export interface VolumeModel {
  key: string;
  name: string;
  external: boolean;
  driver: string;
}

export interface Project {
  name: string;
  workingDir: string;
  /** Files as given or found, absolute. */
  configFiles: string[];
  /** The file names as Compose 1.29 records them in labels (relative to the working directory when given so). */
  configFilesLabel: string;
  services: ServiceModel[];
  /** Networks some service uses (the ones `up` creates), in first-use order. */
  networks: NetworkModel[];
  /** Every declared network, used or not. */
  declaredNetworks: NetworkModel[];
  volumes: VolumeModel[];
  data: ComposeFileData;
  /** Version shown by `docker-compose config`. */
  version: string;
}

/** v1 normalizes with `[^-_a-z0-9]` removed; v2 likewise, after lowercasing. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

const NOT_FOUND_V1 = `
        Can't find a suitable configuration file in this directory or any
        parent. Are you in the right directory?

        Supported filenames: docker-compose.yml, docker-compose.yaml, compose.yml, compose.yaml
        `;

/** Finds, reads, validates and normalizes the project. */
export function loadProject(engine: Engine, opts: ProjectOptions): Project {
  const cwd = opts.projectDirectory ? resolvePath(HOME, opts.projectDirectory) : HOME;
  let files: string[];
  if (opts.files.length) {
    files = opts.files.map((f) => resolvePath(HOME, f));
  } else {
    const found = findDefaultFile(engine, cwd);
    if (!found) {
      throw new ComposeError(NOT_FOUND_V1, 'no configuration file provided: not found', V2_EXIT.fileNotFound);
    }
    files = [found];
  }
  const merged: Record<string, unknown> = {};
  let data: ComposeFileData | null = null;
  for (let i = 0; i < files.length; i++) {
    const path = files[i]!;
    const given = opts.files[i];
    const shownV1 = given
      ? given.startsWith('/')
        ? given
        : `./${given.replace(/^\.\//, '')}`
      : `./${basename(path)}`;
    const text = readHostFile(engine, path);
    if (text === null) {
      if (isHostDir(engine, path)) {
        throw new ComposeError(
          `.IsADirectoryError: [Errno 21] Is a directory: '${shownV1}'`,
          `read ${path}: is a directory`,
          V2_EXIT.fileNotFound,
        );
      }
      throw new ComposeError(
        `.FileNotFoundError: [Errno 2] No such file or directory: '${shownV1}'`,
        `open ${path}: no such file or directory`,
        V2_EXIT.fileNotFound,
      );
    }
    const yaml = parseYamlText(text, { v1: shownV1, v2: path });
    const valid = validateFile(yaml, { v1: shownV1, v2: path });
    mergeInto(merged, valid as Record<string, unknown>);
    data = merged as ComposeFileData;
  }
  const workingDir = opts.projectDirectory ? cwd : dirname(files[0]!);
  const nameFromFile = opts.style === 'v2' ? data?.name : undefined;
  const name = normalizeProjectName(opts.projectName || nameFromFile || basename(workingDir) || 'default');
  return buildProject(data ?? {}, {
    name,
    workingDir,
    files,
    label: opts.files.length ? opts.files.join(',') : files.map(basename).join(','),
  });
}

function findDefaultFile(engine: Engine, cwd: string): string | null {
  // Compose searches the directory, then its parents.
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const name of SUPPORTED_FILENAMES) {
      const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
      if (readHostFile(engine, p) !== null) return p;
    }
    if (dir === '/') return null;
  }
}

/** Later files override earlier ones, key by key (lists of ports and the like are appended). */
function mergeInto(target: Record<string, unknown>, src: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(src)) {
    const cur = target[k];
    if (isObject(cur) && isObject(v)) mergeInto(cur, v);
    else if (Array.isArray(cur) && Array.isArray(v) && (k === 'ports' || k === 'expose'))
      target[k] = [...cur, ...v];
    else target[k] = v;
  }
}

/** shlex.split, as Compose splits a string `command`. */
export function shellSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      const end = s.indexOf(c, i + 1);
      const stop = end < 0 ? s.length : end;
      cur += s.slice(i + 1, stop).replace(c === '"' ? /\\(["\\$`])/g : /$^/, '$1');
      i = stop;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

function toCommand(v: string | Array<string | number> | null | undefined): string[] | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? shellSplit(v) : v.map(String);
}

function toEnv(v: ServiceData['environment']): string[] {
  if (!v) return [];
  if (Array.isArray(v)) return v.map(String);
  return Object.entries(v).map(([k, val]) => (val === null ? k : `${k}=${String(val)}`));
}

function toLabels(v: ServiceData['labels']): Record<string, string> {
  if (!v) return {};
  if (Array.isArray(v)) {
    return Object.fromEntries(
      v.map(String).map((e) => {
        const i = e.indexOf('=');
        return i < 0 ? [e, ''] : [e.slice(0, i), e.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, val === null ? '' : String(val)]));
}

/** `"8001:8000"`, `"127.0.0.1:8001:8000/udp"`, `8000`, `{target, published}`, ranges. */
export function parsePorts(spec: NonNullable<ServiceData['ports']>[number], service: string): PortSpec[] {
  if (typeof spec === 'object') {
    return [
      {
        hostIp: spec.host_ip ?? '',
        published: spec.published === undefined ? '' : String(spec.published),
        target: Number(spec.target),
        protocol: spec.protocol ?? 'tcp',
      },
    ];
  }
  const text = String(spec);
  const [body, protocol = 'tcp'] = text.split('/') as [string, string?];
  const parts = body.split(':');
  let hostIp = '';
  let published = '';
  let target = '';
  if (parts.length === 1) target = parts[0]!;
  else if (parts.length === 2) [published, target] = parts as [string, string];
  else {
    target = parts.pop()!;
    published = parts.pop()!;
    hostIp = parts.join(':').replace(/^\[|\]$/g, '');
  }
  const range = (r: string) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(r);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    return { a, b };
  };
  const t = range(target);
  const p = published ? range(published) : null;
  if (!t || (published && !p)) {
    throw new ComposeError(
      `The Compose file is invalid because:\nService ${service} configuration key 'ports' contains an invalid type, it should be a number, or an object`,
      `invalid port "${text}" for service "${service}"`,
      V2_EXIT.parse,
    );
  }
  const out: PortSpec[] = [];
  for (let i = 0; i <= t.b - t.a; i++) {
    out.push({
      hostIp,
      published: p ? String(p.a + (p.b > p.a ? i : 0)) : '',
      target: t.a + i,
      protocol,
    });
  }
  return out;
}

function buildProject(
  data: ComposeFileData,
  ctx: { name: string; workingDir: string; files: string[]; label: string },
): Project {
  const netDefs = data.networks ?? {};
  const declaredNetworks: NetworkModel[] = Object.entries(netDefs).map(([key, def]) =>
    networkModel(ctx.name, key, def ?? {}, true),
  );
  const services: ServiceModel[] = [];
  for (const [name, svc] of Object.entries(data.services ?? {})) {
    services.push(serviceModel(name, svc, ctx.workingDir));
  }
  // Compose 1.29 checks references when it builds the project; v2 does too, with its own words.
  const serviceNames = new Set(services.map((s) => s.name));
  for (const s of services) {
    for (const dep of s.dependsOn) {
      if (!serviceNames.has(dep)) {
        throw new ComposeError(
          `Service '${s.name}' depends on service '${dep}' which is undefined.`,
          `service "${s.name}" depends on undefined service ${dep}: invalid compose project`,
          V2_EXIT.parse,
        );
      }
    }
  }
  detectCycle(services);
  const used: NetworkModel[] = [];
  for (const s of services) {
    if (s.networkMode) continue;
    for (const n of s.networks) {
      if (used.some((u) => u.key === n.key)) continue;
      let model = declaredNetworks.find((d) => d.key === n.key);
      if (!model && n.key === 'default') model = networkModel(ctx.name, 'default', {}, false);
      if (!model) continue;
      used.push(model);
    }
  }
  const volumes: VolumeModel[] = Object.entries(data.volumes ?? {}).map(([key, def]) => {
    const d: VolumeData = def ?? {};
    const ext = d.external;
    const external = ext === true || isObject(ext);
    const extName = isObject(ext) ? (ext as { name?: string }).name : undefined;
    return {
      key,
      name: extName ?? d.name ?? (external ? key : `${ctx.name}_${key}`),
      external,
      driver: d.driver ?? 'local',
    };
  });
  return {
    name: ctx.name,
    workingDir: ctx.workingDir,
    configFiles: ctx.files,
    configFilesLabel: ctx.label,
    services,
    networks: used,
    declaredNetworks,
    volumes,
    data,
    version: data.version === undefined ? '3.9' : String(data.version),
  };
}

/** The networks a service's `networks:` refers to that the file does not declare. */
export function undefinedNetwork(project: Project): { service: string; network: string } | null {
  for (const s of project.services) {
    if (s.networkMode) continue;
    for (const n of s.networks) {
      if (n.key === 'default') continue;
      if (!project.declaredNetworks.some((d) => d.key === n.key)) return { service: s.name, network: n.key };
    }
  }
  return null;
}

function networkModel(project: string, key: string, def: NetworkData, declared: boolean): NetworkModel {
  const ext = def.external;
  const external = ext === true || isObject(ext);
  const extName = isObject(ext) ? (ext as { name?: string }).name : undefined;
  const name = extName ?? def.name ?? (external ? key : `${project}_${key}`);
  return {
    key,
    name,
    external,
    ...(def.driver ? { driver: def.driver } : {}),
    driverOpts: Object.fromEntries(Object.entries(def.driver_opts ?? {}).map(([k, v]) => [k, String(v)])),
    ...(def.ipam?.driver ? { ipamDriver: def.ipam.driver } : {}),
    ipamConfig: (def.ipam?.config ?? []).map((c) => ({
      ...(c.subnet ? { subnet: c.subnet } : {}),
      ...(c.ip_range ? { ipRange: c.ip_range } : {}),
      ...(c.gateway ? { gateway: c.gateway } : {}),
      ...(c.aux_addresses ? { auxAddresses: c.aux_addresses } : {}),
    })),
    internal: Boolean(def.internal),
    attachable: Boolean(def.attachable),
    enableIpv6: Boolean(def.enable_ipv6),
    labels: toLabels(def.labels),
    declared,
  };
}

function serviceModel(name: string, svc: ServiceData, workingDir: string): ServiceModel {
  const networks: ServiceNetwork[] = [];
  if (Array.isArray(svc.networks)) {
    for (const key of svc.networks) networks.push({ key, aliases: [] });
  } else if (svc.networks) {
    for (const [key, conf] of Object.entries(svc.networks)) {
      networks.push({
        key,
        aliases: conf?.aliases ?? [],
        ...(conf?.ipv4_address ? { ipv4: conf.ipv4_address } : {}),
        ...(conf?.ipv6_address ? { ipv6: conf.ipv6_address } : {}),
      });
    }
  } else networks.push({ key: 'default', aliases: [] });
  const dependsOn = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
  const build =
    svc.build === undefined
      ? undefined
      : typeof svc.build === 'string'
        ? { context: resolvePath(workingDir, svc.build), dockerfile: 'Dockerfile' }
        : {
            context: resolvePath(workingDir, svc.build.context ?? '.'),
            dockerfile: svc.build.dockerfile ?? 'Dockerfile',
          };
  const volumes: ServiceModel['volumes'] = [];
  for (const v of svc.volumes ?? []) {
    if (typeof v === 'string') {
      const parts = v.split(':');
      if (parts.length === 1) volumes.push({ source: '', target: parts[0]!, kind: 'anonymous' });
      else {
        const src = parts[0]!;
        const bind = src.startsWith('.') || src.startsWith('/') || src.startsWith('~');
        volumes.push({
          source: bind ? resolvePath(workingDir, src) : src,
          target: parts[1]!,
          kind: bind ? 'bind' : 'volume',
        });
      }
    } else {
      volumes.push({
        source: v.source ?? '',
        target: v.target ?? '',
        kind: v.type === 'bind' ? 'bind' : v.source ? 'volume' : 'anonymous',
      });
    }
  }
  return {
    name,
    ...(svc.image !== undefined ? { image: svc.image } : {}),
    ...(build ? { build } : {}),
    command: toCommand(svc.command),
    entrypoint: toCommand(svc.entrypoint),
    ports: (svc.ports ?? []).flatMap((p) => parsePorts(p, name)),
    expose: (svc.expose ?? []).map((e) => (String(e).includes('/') ? String(e) : `${e}/tcp`)),
    networks,
    ...(svc.network_mode ? { networkMode: svc.network_mode } : {}),
    dependsOn,
    environment: toEnv(svc.environment),
    labels: toLabels(svc.labels),
    ...(svc.container_name ? { containerName: svc.container_name } : {}),
    ...(svc.hostname ? { hostname: svc.hostname } : {}),
    restart: svc.restart ?? 'no',
    ...(svc.working_dir ? { workingDir: svc.working_dir } : {}),
    ...(svc.user ? { user: svc.user } : {}),
    tty: Boolean(svc.tty),
    stdinOpen: Boolean(svc.stdin_open),
    volumes,
    raw: svc,
  };
}

function detectCycle(services: ServiceModel[]): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: ServiceModel, stack: string[]): void => {
    if (state.get(s.name) === 'done') return;
    if (state.get(s.name) === 'visiting') {
      const from = stack[stack.length - 1]!;
      const cycle = [...stack.slice(stack.indexOf(s.name)), s.name];
      throw new ComposeError(
        `Circular dependency between ${[from, s.name].sort().join(' and ')}`,
        `dependency cycle detected: ${cycle.join(' -> ')}`,
        V2_EXIT.parse,
      );
    }
    state.set(s.name, 'visiting');
    for (const d of s.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep, [...stack, s.name]);
    }
    state.set(s.name, 'done');
  };
  for (const s of services) visit(s, []);
}

/** Services ordered so each comes after what it depends on, grouped by level (for progress output). */
export function dependencyLevels(services: ServiceModel[]): ServiceModel[][] {
  const levels: ServiceModel[][] = [];
  const placed = new Set<string>();
  let rest = [...services];
  while (rest.length) {
    const level = rest.filter((s) =>
      s.dependsOn.every((d) => placed.has(d) || !services.some((x) => x.name === d)),
    );
    if (!level.length) break;
    for (const s of level) placed.add(s.name);
    levels.push(level);
    rest = rest.filter((s) => !placed.has(s.name));
  }
  return levels;
}

/** The services named (all when none), with Compose's error for an unknown one. */
export function selectServices(project: Project, names: string[]): ServiceModel[] {
  for (const n of names) {
    if (!project.services.some((s) => s.name === n)) {
      throw new ComposeError(`No such service: ${n}`, `no such service: ${n}`, 1);
    }
  }
  return names.length ? project.services.filter((s) => names.includes(s.name)) : project.services;
}
