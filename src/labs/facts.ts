/**
 * What lab checks may know about a sandbox, and the two ways to learn it: from the simulated
 * engine's state, or from `docker ... inspect` JSON run through the backend (the dind backend,
 * and any backend whose engine is not in this process). Checks see only this interface, so one
 * lab works on both backends.
 */
import type { EngineState } from '../engine/model/state.ts';
import type { SandboxBackend, SandboxKey } from '../sandbox/backend.ts';
import type { SimBackend } from '../sandbox/sim/sim-backend.ts';

export interface NetworkFact {
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  subnets: Array<{ subnet: string; gateway?: string; ipRange?: string }>;
  options: Record<string, string>;
  labels: Record<string, string>;
}

export interface ContainerFact {
  name: string;
  running: boolean;
  networkMode: string;
  /** Network name -> address (empty on none/host). */
  networks: Record<string, string>;
  /** `8080:80/tcp` for each published port. */
  ports: string[];
}

export interface SandboxFacts {
  networks: NetworkFact[];
  containers: ContainerFact[];
  swarmActive: boolean;
  /** Registry servers `docker login` succeeded against. */
  logins: string[];
}

export function factsFromState(s: EngineState): SandboxFacts {
  const names = new Map(s.networks.map((n) => [n.id, n.name]));
  return {
    networks: s.networks.map((n) => ({
      name: n.name,
      driver: n.driver,
      scope: n.scope,
      internal: n.internal,
      attachable: n.attachable,
      subnets: n.ipam.map((c) => ({
        subnet: c.subnet,
        ...((c.gateway ?? c.effectiveGateway) ? { gateway: (c.gateway ?? c.effectiveGateway)! } : {}),
        ...(c.ipRange ? { ipRange: c.ipRange } : {}),
      })),
      options: { ...n.options },
      labels: { ...n.labels },
    })),
    containers: s.containers.map((c) => ({
      name: c.name,
      running: c.status === 'running',
      networkMode: c.hostConfig.networkMode,
      networks: Object.fromEntries(c.endpoints.map((e) => [names.get(e.networkId) ?? e.networkId, e.ipv4])),
      ports: portsOf(c.hostConfig.portBindings),
    })),
    swarmActive: s.swarm !== null,
    logins: Object.keys(s.auths ?? {}),
  };
}

function portsOf(bindings: Record<string, Array<{ hostPort: string }>> | null | undefined): string[] {
  const out: string[] = [];
  for (const [cp, bs] of Object.entries(bindings ?? {}))
    for (const b of bs ?? []) if (b.hostPort) out.push(`${b.hostPort}:${cp}`);
  return out.sort();
}

type Exec = (line: string) => Promise<{ output: string; exitCode: number }>;

interface InspectNetwork {
  Name: string;
  Driver: string;
  Scope: string;
  Internal: boolean;
  Attachable: boolean;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> | null };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

interface InspectContainer {
  Name: string;
  State?: { Running?: boolean };
  HostConfig?: {
    NetworkMode?: string;
    PortBindings?: Record<string, Array<{ HostPort: string }> | null> | null;
  };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> | null };
}

function parseJsonArray<T>(out: string): T[] {
  const start = out.indexOf('[');
  if (start < 0) return [];
  try {
    return JSON.parse(out.slice(start)) as T[];
  } catch {
    return [];
  }
}

/** Facts from the docker CLI's JSON, as any Docker (real or simulated) prints it. */
export async function factsFromCli(exec: Exec): Promise<SandboxFacts> {
  const ids = async (line: string) =>
    (await exec(line)).output
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => /^[0-9a-z]+$/.test(s));
  const netIds = await ids('docker network ls -q --no-trunc');
  const nets = netIds.length
    ? parseJsonArray<InspectNetwork>((await exec(`docker network inspect ${netIds.join(' ')}`)).output)
    : [];
  const ctIds = await ids('docker ps -aq --no-trunc');
  const cts = ctIds.length
    ? parseJsonArray<InspectContainer>((await exec(`docker container inspect ${ctIds.join(' ')}`)).output)
    : [];
  const swarm = (await exec("docker info --format '{{.Swarm.LocalNodeState}}'")).output.trim();
  return {
    networks: nets.map((n) => ({
      name: n.Name,
      driver: n.Driver,
      scope: n.Scope,
      internal: n.Internal,
      attachable: n.Attachable,
      subnets: (n.IPAM?.Config ?? []).map((c) => ({
        subnet: c.Subnet ?? '',
        ...(c.Gateway ? { gateway: c.Gateway } : {}),
        ...(c.IPRange ? { ipRange: c.IPRange } : {}),
      })),
      options: n.Options ?? {},
      labels: n.Labels ?? {},
    })),
    containers: cts.map((c) => ({
      name: c.Name.replace(/^\//, ''),
      running: c.State?.Running === true,
      networkMode: c.HostConfig?.NetworkMode ?? '',
      networks: Object.fromEntries(
        Object.entries(c.NetworkSettings?.Networks ?? {}).map(([k, v]) => [k, v.IPAddress ?? '']),
      ),
      ports: portsOf(
        Object.fromEntries(
          Object.entries(c.HostConfig?.PortBindings ?? {}).map(([k, v]) => [
            k,
            (v ?? []).map((b) => ({ hostPort: b.HostPort })),
          ]),
        ),
      ),
    })),
    swarmActive: swarm === 'active',
    // The CLI keeps logins in the sandbox user's config.json, which `docker` does not print;
    // login checks need the simulated backend (or a lab that checks an answer instead).
    logins: [],
  };
}

function isSim(b: SandboxBackend): b is SimBackend {
  return b.kind === 'sim' && typeof (b as Partial<SimBackend>).withEngine === 'function';
}

/** The facts of one sandbox, from the engine when it is here, from `docker inspect` otherwise. */
export async function sandboxFacts(backend: SandboxBackend, key: SandboxKey): Promise<SandboxFacts> {
  if (isSim(backend)) return backend.withEngine(key, (engine) => factsFromState(engine.snapshot()));
  return factsFromCli((line) => backend.exec(key, line));
}
