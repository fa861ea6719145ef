/**
 * Builds sandbox states for topology tests: networks through the docker CLI emulation, container
 * records through the engine's endpoint ops (real IPAM). `docker run` arrives with the container
 * ops; until then a container is a record plus `attachEndpoint`/`activateEndpoint`, the same
 * calls `run` and `start` make.
 */
import { Engine, runHostLine } from '../../src/engine/index.ts';
import type { ContainerRecord, ContainerStatus } from '../../src/engine/model/state.ts';
import { activateEndpoint, attachEndpoint } from '../../src/engine/ops/endpoints.ts';
import { findNetwork } from '../../src/engine/ops/lookup.ts';

export const FIXED_CLOCK = { now: () => Date.UTC(2026, 10, 28, 2, 0, 0) };

export function freshEngine(seed = 42): Engine {
  return new Engine({ seed, clock: FIXED_CLOCK });
}

export async function sh(engine: Engine, ...lines: string[]): Promise<void> {
  for (const line of lines) {
    const res = await runHostLine(engine, line);
    if (res.exitCode !== 0) throw new Error(`${line} failed: ${res.combined}`);
  }
}

export interface ContainerSpec {
  name: string;
  image?: string;
  /** Network names (first one is `--network`); `host` or `none` for those modes. Default: bridge. */
  networks?: string[];
  aliases?: Record<string, string[]>;
  status?: ContainerStatus;
  /** `HOST:CONTAINER[/proto]` as `-p` takes it. */
  ports?: string[];
  links?: string[];
}

export function addContainer(engine: Engine, spec: ContainerSpec): ContainerRecord {
  const networks = spec.networks ?? ['bridge'];
  const status = spec.status ?? 'running';
  const ports: ContainerRecord['boundPorts'] = {};
  for (const p of spec.ports ?? []) {
    const [host, ctr] = p.split(':') as [string, string];
    const key = ctr.includes('/') ? ctr : `${ctr}/tcp`;
    ports[key] = [
      { hostIp: '0.0.0.0', hostPort: host },
      { hostIp: '::', hostPort: host },
    ];
  }
  const id = engine.ids.hex64();
  const record: ContainerRecord = {
    id,
    name: spec.name,
    created: engine.now(),
    imageRef: spec.image ?? 'alpine',
    imageId: `sha256:${'0'.repeat(64)}`,
    path: 'sleep',
    args: ['infinity'],
    cmd: ['sleep', 'infinity'],
    entrypoint: null,
    env: [],
    hostname: id.slice(0, 12),
    domainname: '',
    user: '',
    workingDir: '',
    labels: {},
    tty: false,
    openStdin: false,
    attachStdout: false,
    attachStderr: false,
    exposedPorts: Object.keys(ports),
    hostConfig: {
      networkMode: networks[0] === 'bridge' ? 'default' : networks[0]!,
      portBindings: {},
      publishAllPorts: false,
      autoRemove: false,
      dns: [],
      dnsSearch: [],
      dnsOptions: [],
      extraHosts: [],
      links: spec.links ?? [],
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      privileged: false,
      capAdd: [],
      memory: 0,
      binds: [],
    },
    status,
    pid: 0,
    exitCode: 0,
    startedAt: '0001-01-01T00:00:00Z',
    finishedAt: '0001-01-01T00:00:00Z',
    restartCount: 0,
    endpoints: [],
    boundPorts: status === 'running' ? ports : {},
    logs: [],
  };
  engine.state.containers.push(record);
  for (const name of networks) {
    const nw = findNetwork(engine, name);
    const ep = attachEndpoint(engine, record, nw, { aliases: spec.aliases?.[name] ?? [] });
    if (status === 'running') activateEndpoint(engine, ep, nw);
  }
  return record;
}
