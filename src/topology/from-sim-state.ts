/**
 * The topology of a simulated sandbox, read straight from the engine's records.
 */
import type { ContainerRecord, EngineState, NetworkRecord } from '../engine/model/state.ts';
import {
  normalize,
  parseLink,
  parsePortKey,
  type TopoAttachment,
  type TopoContainer,
  type TopoLink,
  type Topology,
  type TopoNetwork,
  type TopoPort,
} from './model.ts';

export function topologyFromState(state: EngineState): Topology {
  const networks = state.networks.filter((n) => !n.configOnly).map(networkOf);
  const names = new Map(state.networks.map((n) => [n.id, n.name]));
  const containers = state.containers.map((c) => containerOf(c, names));
  return normalize({
    host: { name: state.daemon.hostname, address: state.daemon.hostIp },
    networks,
    containers,
  });
}

function networkOf(n: NetworkRecord): TopoNetwork {
  return {
    id: n.id,
    name: n.name,
    driver: n.driver,
    scope: n.scope,
    subnets: n.ipam.map((c) => ({ subnet: c.subnet, gateway: c.gateway ?? '' })),
    internal: n.internal,
    attachable: n.attachable,
    ingress: n.ingress,
    defaultBridge:
      n.options['com.docker.network.bridge.default_bridge'] === 'true' ||
      (n.predefined && n.name === 'bridge'),
  };
}

function containerOf(c: ContainerRecord, names: Map<string, string>): TopoContainer {
  const running = c.status === 'running' || c.status === 'restarting' || c.status === 'paused';
  const shortId = c.id.slice(0, 12);
  const attachments: TopoAttachment[] = c.endpoints.map((ep) => ({
    network: names.get(ep.networkId) ?? ep.networkId.slice(0, 12),
    address: running ? ep.ipv4 : '',
    prefix: running && ep.ipv4 ? ep.ipv4Prefix : 0,
    ipv6: running ? ep.ipv6 : '',
    gateway: running ? ep.gateway : '',
    aliases: [...ep.aliases, ...ep.dnsNames].filter((a) => a !== shortId && a !== c.name),
  }));
  const ports: TopoPort[] = [];
  if (running) {
    for (const [key, bindings] of Object.entries(c.boundPorts)) {
      const p = parsePortKey(key);
      if (!p) continue;
      for (const b of bindings) {
        const hostPort = Number(b.hostPort);
        if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
        ports.push({ containerPort: p.port, proto: p.proto, hostIp: b.hostIp || '0.0.0.0', hostPort });
      }
    }
  }
  const links = c.hostConfig.links.map(parseLink).filter((l): l is TopoLink => l !== null);
  return {
    id: c.id,
    name: c.name,
    image: c.imageRef,
    state: c.status,
    networkMode: c.hostConfig.networkMode,
    attachments,
    ports,
    links,
  };
}
