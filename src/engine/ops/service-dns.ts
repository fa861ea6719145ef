/**
 * Swarm names in the embedded DNS, as seen from a network: a service's name (and its network
 * aliases) resolves to its virtual IP there, `tasks.<service>` to the addresses of its running
 * task containers there; neither before one of its tasks has run on the network on this node
 * (the node learns the service binding from its task's endpoint), and the name stays after.
 */
import type { EngineState, ServiceRecord } from '../model/state.ts';

/** Addresses of the service's running task containers on the network, or null when none runs. */
function taskAddresses(state: EngineState, s: ServiceRecord, networkId: string): string[] | null {
  const ids = new Set(s.tasks.map((t) => t.containerId).filter((id) => id !== ''));
  const ips = state.containers
    .filter((c) => ids.has(c.id) && c.status === 'running')
    .flatMap((c) => c.endpoints.filter((ep) => ep.networkId === networkId && ep.ipv4).map((ep) => ep.ipv4));
  return ips.length ? ips : null;
}

/** The addresses `name` has on network `networkId` through the swarm, or null when it is no swarm name. */
export function serviceDnsLookup(state: EngineState, networkId: string, name: string): string[] | null {
  const services = state.swarm?.services ?? [];
  const lower = name.toLowerCase();
  for (const s of services) {
    const attached = s.networks.find((n) => n.target === networkId);
    // Until one of its tasks has run on the network here, the node has no record of the service.
    if (s.dnsBound && !s.dnsBound.includes(networkId)) continue;
    const vip = s.vips?.find((v) => v.networkId === networkId);
    if (!vip && !(s.endpointMode === 'dnsrr' && attached)) continue;
    const aliases = attached?.aliases ?? [];
    if (s.name.toLowerCase() === lower || aliases.some((a) => a.toLowerCase() === lower)) {
      // dnsrr: no virtual IP, the name answers with the tasks themselves.
      if (!vip) return taskAddresses(state, s, networkId);
      return [vip.addr.split('/')[0]!];
    }
    if (lower === `tasks.${s.name.toLowerCase()}`) return taskAddresses(state, s, networkId);
  }
  // A removed service's name answers until the node has cleaned up after its tasks.
  for (const s of state.swarm?.fadingServices ?? []) {
    const vip = s.vips.find((v) => v.networkId === networkId);
    if (vip && s.name.toLowerCase() === lower) return [vip.addr.split('/')[0]!];
  }
  return null;
}
