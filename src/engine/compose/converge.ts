/**
 * What `up`, `down`, `stop`, `start` do to the engine, through the engine's own operations
 * (networks, images, containers), reporting progress in each Compose's style.
 */
import type { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { ContainerRecord, NetworkRecord } from '../model/state.ts';
import {
  type ContainerCreateRequest,
  containerCreate,
  containerRemove,
  containerStop,
  isRunning,
  settleContainers,
  startContainer,
} from '../ops/containers.ts';
import { findImage, parseReference, pullImage } from '../ops/images.ts';
import { tryFindNetwork } from '../ops/lookup.ts';
import { networkConnect } from '../ops/network-connect.ts';
import { networkCreate, networkRemove } from '../ops/networks.ts';
import { buildImage, dockerfileConfig } from './build.ts';
import { ComposeError, type ComposeStyle } from './errors.ts';
import type { Progress } from './progress.ts';
import {
  dependencyLevels,
  type NetworkModel,
  type Project,
  type ServiceModel,
  undefinedNetwork,
} from './project.ts';
import { createVolume, removeVolume, volumeExists } from './volumes.ts';

export const V1_VERSION = '1.29.2';
export const V2_VERSION = '2.21.0';

const L = 'com.docker.compose';

/** The container's name for replica 1: `myapp_web_1` (1.29) or `myapp-web-1` (v2). */
export function containerName(project: Project, svc: ServiceModel, style: ComposeStyle): string {
  if (svc.containerName) return svc.containerName;
  return style === 'v1' ? `${project.name}_${svc.name}_1` : `${project.name}-${svc.name}-1`;
}

/** The image a `build:` service gets: `myapp_web` (1.29) or `myapp-web` (v2). */
export function builtImageName(project: Project, svc: ServiceModel, style: ComposeStyle): string {
  if (svc.image) return svc.image;
  return style === 'v1' ? `${project.name}_${svc.name}` : `${project.name}-${svc.name}`;
}

/** The project's containers (not one-off), in creation order. */
export function projectContainers(engine: Engine, projectName: string, service?: string): ContainerRecord[] {
  settleContainers(engine);
  return engine.state.containers.filter(
    (c) =>
      c.labels[`${L}.project`] === projectName &&
      c.labels[`${L}.oneoff`] !== 'True' &&
      (service === undefined || c.labels[`${L}.service`] === service),
  );
}

export interface UpOptions {
  services: ServiceModel[];
  build: boolean;
  noStart: boolean;
}

/** `up -d`: networks, volumes, images, then containers in dependency order. */
export function up(engine: Engine, project: Project, progress: Progress, opts: UpOptions): void {
  const style = progress.style;
  const missing = undefinedNetwork(project);
  if (missing) {
    throw new ComposeError(
      `Service "${missing.service}" uses an undefined network "${missing.network}"`,
      `service "${missing.service}" refers to undefined network ${missing.network}: invalid compose project`,
      15,
    );
  }
  ensureNetworks(engine, project, progress);
  ensureVolumes(engine, project, progress);
  const wanted = withDependencies(project, opts.services);
  const levels = dependencyLevels(wanted);
  ensureImages(engine, project, progress, wanted, opts.build);
  if (style === 'v1') {
    for (const level of levels) {
      const create: ServiceModel[] = [];
      const start: ContainerRecord[] = [];
      for (const svc of level) {
        const existing = projectContainers(engine, project.name, svc.name)[0];
        if (!existing) create.push(svc);
        else if (isRunning(existing)) progress.info(`${existing.name} is up-to-date`);
        else start.push(existing);
      }
      if (start.length)
        runBatch(
          progress,
          'Starting',
          start.map((c) => c.name),
          (name) => startByName(engine, name),
        );
      if (create.length) {
        runBatch(
          progress,
          'Creating',
          create.map((s) => containerName(project, s, style)),
          (name) => {
            const svc = create.find((s) => containerName(project, s, style) === name)!;
            const c = createServiceContainer(engine, project, svc, style);
            if (!opts.noStart) startByName(engine, c.name, svc.name);
          },
        );
      }
    }
    return;
  }
  // v2 creates every container first, then starts them in dependency order.
  const ordered = levels.flat();
  const fresh = new Set<string>();
  for (const svc of ordered) {
    const name = containerName(project, svc, style);
    if (projectContainers(engine, project.name, svc.name)[0]) continue;
    progress.event(`Container ${name}`, 'Creating');
    try {
      createServiceContainer(engine, project, svc, style);
    } catch (e) {
      throw v2Failure(e);
    }
    progress.event(`Container ${name}`, 'Created');
    fresh.add(name);
  }
  if (opts.noStart) return;
  for (const svc of ordered) {
    const c = projectContainers(engine, project.name, svc.name)[0]!;
    if (isRunning(c)) {
      progress.event(`Container ${c.name}`, 'Running');
      continue;
    }
    progress.event(`Container ${c.name}`, 'Starting');
    try {
      startByName(engine, c.name, svc.name);
    } catch (e) {
      throw v2Failure(e);
    }
    progress.event(`Container ${c.name}`, 'Started');
  }
}

function v2Failure(e: unknown): ComposeError {
  if (e instanceof ServiceStartError) {
    return new ComposeError(e.message, `Error response from daemon: ${e.daemonMessage}`, 1);
  }
  if (e instanceof EngineError)
    return new ComposeError(e.message, `Error response from daemon: ${e.message}`, 1);
  throw e;
}

class ServiceStartError extends Error {
  constructor(
    readonly service: string,
    readonly daemonMessage: string,
  ) {
    super(`Cannot start service ${service}: ${daemonMessage}`);
  }
}

/** A 1.29 parallel operation: `done` or `error` per item, then the errors as 1.29 lists them. */
function runBatch(progress: Progress, action: string, names: string[], fn: (name: string) => void): void {
  const errors = new Map<string, string>();
  const services = new Map<string, string>();
  progress.batch(action, names, (name) => {
    try {
      fn(name);
      return 'done';
    } catch (e) {
      if (e instanceof ServiceStartError) {
        errors.set(name, e.message);
        services.set(name, e.service);
        return 'error';
      }
      if (e instanceof EngineError) {
        errors.set(name, e.message);
        return 'error';
      }
      throw e;
    }
  });
  if (!errors.size) return;
  const lines: string[] = [];
  for (const [name, msg] of errors) lines.push('', `ERROR: for ${name}  ${msg}`);
  for (const [name, msg] of errors) {
    const svc = services.get(name);
    if (svc) lines.push('', `ERROR: for ${svc}  ${msg}`);
  }
  progress.info(lines.join('\n'));
  throw new ComposeError(
    'Encountered errors while bringing up the project.',
    [...errors.values()][0] ?? '',
    1,
  );
}

function startByName(engine: Engine, name: string, service?: string): void {
  const c = engine.state.containers.find((x) => x.name === name)!;
  try {
    startContainer(engine, c);
  } catch (e) {
    if (e instanceof EngineError) {
      throw new ServiceStartError(service ?? c.labels[`${L}.service`] ?? name, e.message);
    }
    throw e;
  }
}

/** The services asked for and everything they depend on. */
function withDependencies(project: Project, services: ServiceModel[]): ServiceModel[] {
  const want = new Set<string>();
  const add = (s: ServiceModel) => {
    if (want.has(s.name)) return;
    want.add(s.name);
    for (const d of s.dependsOn) {
      const dep = project.services.find((x) => x.name === d);
      if (dep) add(dep);
    }
  };
  for (const s of services) add(s);
  return project.services.filter((s) => want.has(s.name));
}

function ensureNetworks(engine: Engine, project: Project, progress: Progress): void {
  const style = progress.style;
  if (style === 'v1') {
    const unused = project.declaredNetworks.filter((n) => !project.networks.some((u) => u.key === n.key));
    if (unused.length) {
      progress.info(
        `Some networks were defined but are not used by any service: ${unused.map((n) => n.key).join(', ')}`,
      );
    }
  }
  for (const n of project.networks) {
    const existing = tryFindNetwork(engine, n.name);
    if (n.external) {
      if (!existing) {
        throw new ComposeError(
          `Network ${n.name} declared as external, but could not be found. Please create the network manually using \`docker network create ${n.name}\` and try again.`,
          `network ${n.name} declared as external, but could not be found`,
          1,
        );
      }
      continue;
    }
    if (existing) {
      checkNetworkConfig(existing, n);
      continue;
    }
    if (style === 'v1') {
      progress.info(
        `Creating network "${n.name}" with ${n.driver ? `driver "${n.driver}"` : 'the default driver'}`,
      );
    } else progress.event(`Network ${n.name}`, 'Creating');
    try {
      networkCreate(engine, {
        Name: n.name,
        CheckDuplicate: true,
        ...(n.driver ? { Driver: n.driver } : {}),
        Internal: n.internal,
        Attachable: style === 'v1' ? true : n.attachable,
        EnableIPv6: n.enableIpv6,
        Options: n.driverOpts,
        IPAM: {
          Driver: n.ipamDriver ?? 'default',
          Config: n.ipamConfig.map((c) => ({
            ...(c.subnet ? { Subnet: c.subnet } : {}),
            ...(c.ipRange ? { IPRange: c.ipRange } : {}),
            ...(c.gateway ? { Gateway: c.gateway } : {}),
            ...(c.auxAddresses ? { AuxiliaryAddresses: c.auxAddresses } : {}),
          })),
          Options: null,
        },
        Labels: {
          ...n.labels,
          [`${L}.network`]: n.key,
          [`${L}.project`]: project.name,
          [`${L}.version`]: style === 'v1' ? V1_VERSION : V2_VERSION,
        },
      });
    } catch (e) {
      if (e instanceof EngineError) {
        throw new ComposeError(e.message, `Error response from daemon: ${e.message}`, 1);
      }
      throw e;
    }
    if (style === 'v2') progress.event(`Network ${n.name}`, 'Created');
  }
}

/** A network left from an earlier `up` with other settings must be recreated (by `down`) first. */
function checkNetworkConfig(existing: NetworkRecord, n: NetworkModel): void {
  const wantDriver = n.driver ?? 'bridge';
  const problem =
    existing.driver !== wantDriver
      ? 'option "driver"'
      : existing.internal !== n.internal
        ? 'option "internal"'
        : '';
  if (!problem) return;
  throw new ComposeError(
    `Network "${n.name}" needs to be recreated - ${problem} has changed`,
    `network ${n.name} was found but has incorrect label com.docker.compose.network set to "${existing.labels[`${L}.network`] ?? ''}"`,
    1,
  );
}

function ensureVolumes(engine: Engine, project: Project, progress: Progress): void {
  for (const v of project.volumes) {
    if (v.external) {
      if (!volumeExists(engine, v.name)) {
        throw new ComposeError(
          `Volume ${v.name} declared as external, but could not be found. Please create the volume manually using \`docker volume create --name=${v.name}\` and try again.`,
          `external volume "${v.name}" not found`,
          1,
        );
      }
      continue;
    }
    if (volumeExists(engine, v.name)) continue;
    if (progress.style === 'v1') progress.info(`Creating volume "${v.name}" with ${v.driver} driver`);
    else progress.event(`Volume "${v.name}"`, 'Creating');
    createVolume(engine, v.name, { [`${L}.project`]: project.name, [`${L}.volume`]: v.key });
    if (progress.style === 'v2') progress.event(`Volume "${v.name}"`, 'Created');
  }
}

function ensureImages(
  engine: Engine,
  project: Project,
  progress: Progress,
  services: ServiceModel[],
  forceBuild: boolean,
): void {
  const style = progress.style;
  for (const svc of services) {
    const image = builtImageName(project, svc, style);
    if (svc.build) {
      if (findImage(engine, image) && !forceBuild) continue;
      buildImage(engine, project, svc, image, progress, !forceBuild);
      continue;
    }
    if (findImage(engine, image)) continue;
    let ref: ReturnType<typeof parseReference>;
    try {
      ref = parseReference(image);
    } catch {
      throw new ComposeError(`invalid reference format`, `invalid reference format`, 1);
    }
    if (style === 'v1')
      progress.info(
        `Pulling ${svc.name} (${ref.repo}:${ref.tag === 'latest' && !image.includes(':') ? '' : ref.tag})...`,
      );
    else progress.event(svc.name, 'Pulling');
    try {
      const result = pullImage(engine, ref);
      // Without a terminal 1.29 skips the per-layer progress events.
      if (style === 'v1') {
        for (const l of result.lines) if (!/^[0-9a-f]{12}: /.test(l)) progress.info(l);
      } else progress.event(svc.name, 'Pulled');
    } catch (e) {
      if (e instanceof EngineError) {
        throw new ComposeError(e.message, `Error response from daemon: ${e.message}`, 18);
      }
      throw e;
    }
  }
}

/** Creates the service's container on its first network, then connects the others. */
function createServiceContainer(
  engine: Engine,
  project: Project,
  svc: ServiceModel,
  style: ComposeStyle,
): ContainerRecord {
  const name = containerName(project, svc, style);
  const image = builtImageName(project, svc, style);
  const fromDockerfile = svc.build ? dockerfileConfig(engine, svc) : null;
  const nets = svc.networkMode ? [] : svc.networks;
  const netModel = (key: string) => project.networks.find((n) => n.key === key);
  const first = nets[0];
  const firstNet = first ? netModel(first.key) : undefined;
  const aliases = (n: { aliases: string[] }) =>
    style === 'v1' ? [svc.name, ...n.aliases] : [name, svc.name, ...n.aliases];
  const portBindings: NonNullable<NonNullable<ContainerCreateRequest['HostConfig']>['PortBindings']> = {};
  const exposed: Record<string, object> = {};
  for (const p of svc.ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    portBindings[key] = [...(portBindings[key] ?? []), { HostIp: p.hostIp, HostPort: p.published }];
  }
  for (const e of svc.expose) exposed[e] = {};
  for (const e of fromDockerfile?.expose ?? []) exposed[e] = {};
  const labels: Record<string, string> = {
    ...svc.labels,
    [`${L}.config-hash`]: configHash(svc),
    [`${L}.container-number`]: '1',
    [`${L}.oneoff`]: 'False',
    [`${L}.project`]: project.name,
    [`${L}.project.config_files`]: style === 'v1' ? project.configFilesLabel : project.configFiles.join(','),
    [`${L}.project.working_dir`]: project.workingDir,
    [`${L}.service`]: svc.name,
    [`${L}.version`]: style === 'v1' ? V1_VERSION : V2_VERSION,
  };
  if (style === 'v2') {
    labels[`${L}.depends_on`] = svc.dependsOn.map((d) => `${d}:service_started:false`).join(',');
    labels[`${L}.image`] = findImage(engine, image)?.id ?? '';
  }
  const binds = svc.volumes
    .filter((v) => v.kind !== 'anonymous')
    .map(
      (v) =>
        `${v.kind === 'volume' ? (project.volumes.find((x) => x.key === v.source)?.name ?? v.source) : v.source}:${v.target}`,
    );
  const req: ContainerCreateRequest = {
    name,
    Image: image,
    ...(svc.command ? { Cmd: svc.command } : fromDockerfile?.cmd ? { Cmd: fromDockerfile.cmd } : {}),
    ...(svc.entrypoint ? { Entrypoint: svc.entrypoint } : {}),
    Env: [...(fromDockerfile?.env ?? []), ...svc.environment],
    Labels: labels,
    ...(svc.hostname ? { Hostname: svc.hostname } : {}),
    ...(svc.workingDir
      ? { WorkingDir: svc.workingDir }
      : fromDockerfile?.workdir
        ? { WorkingDir: fromDockerfile.workdir }
        : {}),
    ...(svc.user ? { User: svc.user } : {}),
    Tty: svc.tty,
    OpenStdin: svc.stdinOpen,
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: svc.networkMode ?? firstNet?.name ?? 'default',
      PortBindings: portBindings,
      RestartPolicy: { Name: svc.restart === 'no' ? '' : svc.restart },
      Binds: binds,
    },
    ...(first && firstNet
      ? {
          NetworkingConfig: {
            EndpointsConfig: {
              [firstNet.name]: {
                Aliases: aliases(first),
                ...(first.ipv4 || first.ipv6
                  ? {
                      IPAMConfig: {
                        ...(first.ipv4 ? { IPv4Address: first.ipv4 } : {}),
                        ...(first.ipv6 ? { IPv6Address: first.ipv6 } : {}),
                      },
                    }
                  : {}),
              },
            },
          },
        }
      : {}),
  };
  let c: ContainerRecord;
  try {
    c = containerCreate(engine, req);
  } catch (e) {
    if (e instanceof EngineError) throw new ServiceStartError(svc.name, e.message);
    throw e;
  }
  for (const n of nets.slice(1)) {
    const model = netModel(n.key);
    if (!model) continue;
    networkConnect(engine, model.name, c.id, {
      aliases: aliases(n),
      ...(n.ipv4 ? { ipv4: n.ipv4 } : {}),
      ...(n.ipv6 ? { ipv6: n.ipv6 } : {}),
    });
  }
  return c;
}

/** A stable digest of the service's configuration (Compose compares it to decide on recreation). */
function configHash(svc: ServiceModel): string {
  const text = JSON.stringify(svc.raw);
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${text}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

export interface DownOptions {
  volumes: boolean;
  removeImages: 'all' | 'local' | null;
}

/** `down`: stop, remove containers, remove networks (and volumes with `-v`). */
export function down(engine: Engine, project: Project, progress: Progress, opts: DownOptions): void {
  const style = progress.style;
  const containers = projectContainers(engine, project.name).slice().reverse();
  if (style === 'v1') {
    const running = containers.filter(isRunning);
    if (running.length) {
      progress.batch(
        'Stopping',
        running.map((c) => c.name),
        (name) => {
          containerStop(engine, name);
          return 'done';
        },
      );
    }
    if (containers.length) {
      progress.batch(
        'Removing',
        containers.map((c) => c.name),
        (name) => {
          containerRemove(engine, name, true);
          return 'done';
        },
      );
    }
    for (const n of project.networks) {
      if (n.external) {
        progress.info(`Network ${n.name} is external, skipping`);
        continue;
      }
      progress.info(`Removing network ${n.name}`);
      if (!removeNetwork(engine, n.name)) progress.info(`Network ${n.name} not found.`);
    }
    if (opts.volumes) {
      for (const v of project.volumes) {
        if (v.external) {
          progress.info(`Volume ${v.name} is external, skipping`);
          continue;
        }
        progress.info(`Removing volume ${v.name}`);
        if (!removeVolume(engine, v.name)) progress.info(`Volume ${v.name} not found.`);
      }
    }
    return;
  }
  let anything = false;
  for (const c of containers) {
    anything = true;
    if (isRunning(c)) {
      progress.event(`Container ${c.name}`, 'Stopping');
      containerStop(engine, c.name);
      progress.event(`Container ${c.name}`, 'Stopped');
    }
    progress.event(`Container ${c.name}`, 'Removing');
    containerRemove(engine, c.name, true);
    progress.event(`Container ${c.name}`, 'Removed');
  }
  if (opts.volumes) {
    for (const v of project.volumes) {
      if (v.external || !volumeExists(engine, v.name)) continue;
      anything = true;
      progress.event(`Volume ${v.name}`, 'Removing');
      removeVolume(engine, v.name);
      progress.event(`Volume ${v.name}`, 'Removed');
    }
  }
  for (const n of project.networks) {
    if (n.external || !tryFindNetwork(engine, n.name)) continue;
    anything = true;
    progress.event(`Network ${n.name}`, 'Removing');
    removeNetwork(engine, n.name);
    progress.event(`Network ${n.name}`, 'Removed');
  }
  if (!anything) progress.info(`Warning: No resource found to remove for project "${project.name}".`);
}

function removeNetwork(engine: Engine, name: string): boolean {
  try {
    networkRemove(engine, name);
    return true;
  } catch (e) {
    if (e instanceof EngineError && e.status === 404) return false;
    throw e;
  }
}

/** `stop`: running containers, dependents first. */
export function stop(engine: Engine, project: Project, progress: Progress, services: ServiceModel[]): void {
  const names = new Set(services.map((s) => s.name));
  const running = projectContainers(engine, project.name)
    .filter((c) => names.has(c.labels[`${L}.service`] ?? '') && isRunning(c))
    .reverse();
  if (progress.style === 'v1') {
    if (running.length) {
      progress.batch(
        'Stopping',
        running.map((c) => c.name),
        (n) => {
          containerStop(engine, n);
          return 'done';
        },
      );
    }
    return;
  }
  for (const c of running) {
    progress.event(`Container ${c.name}`, 'Stopping');
    containerStop(engine, c.name);
    progress.event(`Container ${c.name}`, 'Stopped');
  }
}

/** `start`: existing stopped containers, in dependency order. */
export function start(engine: Engine, project: Project, progress: Progress, services: ServiceModel[]): void {
  const ordered = dependencyLevels(services).flat();
  const containers = ordered.flatMap((s) => projectContainers(engine, project.name, s.name));
  if (!containers.length) {
    throw new ComposeError(
      'No containers to start',
      'service "' + (services[0]?.name ?? '') + '" has no container to start',
      1,
    );
  }
  if (progress.style === 'v1') {
    const stopped = containers.filter((c) => !isRunning(c));
    runBatch(
      progress,
      'Starting',
      stopped.map((c) => c.name),
      (n) => startByName(engine, n),
    );
    return;
  }
  for (const c of containers) {
    if (isRunning(c)) continue;
    progress.event(`Container ${c.name}`, 'Starting');
    try {
      startByName(engine, c.name);
    } catch (e) {
      throw v2Failure(e);
    }
    progress.event(`Container ${c.name}`, 'Started');
  }
}
