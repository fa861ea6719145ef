/**
 * Swarm names in the embedded DNS, as seen from a network: a service's name (and its network
 * aliases) resolves to its virtual IP there, `tasks.<service>` to the addresses of its running
 * task containers there.
 */
import type { EngineState } from '../model/state.ts';

/** The addresses `name` has on network `networkId` through the swarm, or null when it is no swarm name. */
export function serviceDnsLookup(state: EngineState, networkId: string, name: string): string[] | null {
  const services = state.swarm?.services ?? [];
  const lower = name.toLowerCase();
  for (const s of services) {
    const vip = s.vips?.find((v) => v.networkId === networkId);
    if (!vip) continue;
    const aliases = s.networks.find((n) => n.target === networkId)?.aliases ?? [];
    if (s.name.toLowerCase() === lower || aliases.some((a) => a.toLowerCase() === lower)) {
      return [vip.addr.split('/')[0]!];
    }
    if (lower === `tasks.${s.name.toLowerCase()}`) {
      const ids = new Set(s.tasks.map((t) => t.containerId).filter((id) => id !== ''));
      const ips = state.containers
        .filter((c) => ids.has(c.id) && c.status === 'running')
        .flatMap((c) =>
          c.endpoints.filter((ep) => ep.networkId === networkId && ep.ipv4).map((ep) => ep.ipv4),
        );
      return ips.length ? ips : null;
    }
  }
  // A removed service's name answers until the node has cleaned up after its tasks.
  for (const s of state.swarm?.fadingServices ?? []) {
    const vip = s.vips.find((v) => v.networkId === networkId);
    if (vip && s.name.toLowerCase() === lower) return [vip.addr.split('/')[0]!];
  }
  return null;
}
