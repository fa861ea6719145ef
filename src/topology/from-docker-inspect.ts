/**
 * The topology of a real sandbox (dind), from what `docker network inspect` and `docker inspect`
 * print inside it. Parsing is defensive: the JSON comes from a daemon we do not control, and a
 * field missing or of the wrong type must not crash a chat reply.
 */
import type { SandboxBackend, SandboxKey } from '../sandbox/backend.ts';
import {
  normalize,
  parseLink,
  parsePortKey,
  type TopoAttachment,
  type TopoContainer,
  type TopoHost,
  type TopoLink,
  type Topology,
  type TopoNetwork,
  type TopoPort,
} from './model.ts';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean => v === true;

export const DEFAULT_HOST: TopoHost = { name: 'sandbox', address: '' };

/**
 * Builds the model from the two inspect outputs (each a JSON array, as the CLI prints it).
 */
export function topologyFromInspect(
  networks: unknown,
  containers: unknown,
  host: TopoHost = DEFAULT_HOST,
): Topology {
  const nets = arr(networks)
    .map(obj)
    .filter((n) => !bool(n.ConfigOnly) && str(n.Name) !== '')
    .map(networkOf);
  return normalize({ host, networks: nets, containers: arr(containers).map(obj).map(containerOf) });
}

function networkOf(n: Json): TopoNetwork {
  const options = obj(n.Options);
  const name = str(n.Name);
  const driver = str(n.Driver);
  return {
    id: str(n.Id),
    name,
    driver,
    scope: str(n.Scope) || 'local',
    subnets: arr(obj(n.IPAM).Config)
      .map(obj)
      .filter((c) => str(c.Subnet) !== '')
      .map((c) => ({ subnet: str(c.Subnet), gateway: str(c.Gateway) })),
    internal: bool(n.Internal),
    attachable: bool(n.Attachable),
    ingress: bool(n.Ingress),
    defaultBridge:
      options['com.docker.network.bridge.default_bridge'] === 'true' ||
      (name === 'bridge' && driver === 'bridge'),
  };
}

function containerOf(c: Json): TopoContainer {
  const id = str(c.Id);
  const name = str(c.Name).replace(/^\//, '');
  const state = str(obj(c.State).Status) || 'created';
  const running = state === 'running' || state === 'restarting' || state === 'paused';
  const settings = obj(c.NetworkSettings);
  const hostConfig = obj(c.HostConfig);
  const shortId = id.slice(0, 12);
  const attachments: TopoAttachment[] = Object.entries(obj(settings.Networks)).map(([network, raw]) => {
    const ep = obj(raw);
    const address = running ? str(ep.IPAddress) : '';
    return {
      network,
      address,
      prefix: address ? num(ep.IPPrefixLen) : 0,
      ipv6: running ? str(ep.GlobalIPv6Address) : '',
      gateway: running ? str(ep.Gateway) : '',
      aliases: arr(ep.Aliases)
        .map(str)
        .filter((a) => a !== '' && a !== shortId && a !== name),
    };
  });
  const ports: TopoPort[] = [];
  if (running) {
    for (const [key, bindings] of Object.entries(obj(settings.Ports))) {
      const p = parsePortKey(key);
      if (!p) continue;
      for (const b of arr(bindings).map(obj)) {
        const hostPort = Number(str(b.HostPort));
        if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
        ports.push({ containerPort: p.port, proto: p.proto, hostIp: str(b.HostIp) || '0.0.0.0', hostPort });
      }
    }
  }
  const links = arr(hostConfig.Links)
    .map(str)
    .map(parseLink)
    .filter((l): l is TopoLink => l !== null);
  return {
    id,
    name,
    image: str(obj(c.Config).Image) || str(c.Image),
    state,
    networkMode: str(hostConfig.NetworkMode) || 'default',
    attachments,
    ports,
    links,
  };
}

/** A command inside the sandbox failed; the message says which and what Docker printed. */
export class TopologyCollectError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(
      `could not read the sandbox's topology: \`${command}\` failed: ${output.trim().split('\n')[0] ?? ''}`,
    );
    this.name = 'TopologyCollectError';
  }
}

async function run(backend: SandboxBackend, key: SandboxKey, line: string): Promise<string> {
  const res = await backend.exec(key, line);
  if (res.exitCode !== 0) throw new TopologyCollectError(line, res.output);
  return res.output;
}

function parseJson(line: string, output: string): unknown {
  try {
    return JSON.parse(output);
  } catch {
    throw new TopologyCollectError(line, `not JSON: ${output.slice(0, 80)}`);
  }
}

/**
 * Reads a sandbox's topology through its backend alone, as a student could: list the IDs, then
 * inspect them. Four commands; each is plain argv (no shell), as the dind backend requires.
 */
export async function collectTopology(
  backend: SandboxBackend,
  key: SandboxKey,
  host: TopoHost = DEFAULT_HOST,
): Promise<Topology> {
  const netIds = (await run(backend, key, 'docker network ls -q --no-trunc')).split(/\s+/).filter(Boolean);
  const ctrIds = (await run(backend, key, 'docker ps -aq --no-trunc')).split(/\s+/).filter(Boolean);
  let networks: unknown = [];
  if (netIds.length) {
    const line = `docker network inspect ${netIds.join(' ')}`;
    networks = parseJson(line, await run(backend, key, line));
  }
  let containers: unknown = [];
  if (ctrIds.length) {
    const line = `docker container inspect ${ctrIds.join(' ')}`;
    containers = parseJson(line, await run(backend, key, line));
  }
  return topologyFromInspect(networks, containers, host);
}
