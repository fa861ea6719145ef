/**
 * `types.NetworkResource`, as the daemon returns it from `GET /networks/{id}` and as templates see it.
 */
import type { Engine } from '../engine.ts';
import { f, type GoValue, goMap, goSlice, goStringMap, goStruct, goTime } from '../go/values.ts';
import type { NetworkRecord } from '../model/state.ts';
import { endpointsOn } from '../ops/networks.ts';

export function ipamConfigView(c: NetworkRecord['ipam'][number]): GoValue {
  return goStruct('network.IPAMConfig', [
    f('Subnet', c.subnet, { omitempty: true }),
    f('IPRange', c.ipRange ?? '', { omitempty: true }),
    f('Gateway', c.gateway ?? '', { omitempty: true }),
    f('AuxAddress', goStringMap(c.auxAddresses ?? null), { json: 'AuxiliaryAddresses', omitempty: true }),
  ]);
}

export function endpointResourceView(
  name: string,
  endpointId: string,
  mac: string,
  ipv4: string,
  ipv6: string,
): GoValue {
  return goStruct('types.EndpointResource', [
    f('Name', name),
    f('EndpointID', endpointId),
    f('MacAddress', mac),
    f('IPv4Address', ipv4),
    f('IPv6Address', ipv6),
  ]);
}

/** The network as `GET /networks/{id}` returns it; `withContainers` false for list entries. */
export function networkView(engine: Engine, nw: NetworkRecord, withContainers = true): GoValue {
  const containers: Record<string, GoValue> = {};
  if (withContainers) {
    for (const { container, endpoint } of endpointsOn(engine, nw)) {
      containers[container.id] = endpointResourceView(
        container.name,
        endpoint.endpointId,
        endpoint.mac,
        endpoint.ipv4 ? `${endpoint.ipv4}/${endpoint.ipv4Prefix}` : '',
        endpoint.ipv6 ? `${endpoint.ipv6}/${endpoint.ipv6Prefix}` : '',
      );
    }
    for (const sb of nw.sandboxEndpoints ?? []) {
      containers[sb.key] = endpointResourceView(
        sb.name,
        sb.endpointId,
        sb.mac,
        `${sb.ipv4}/${sb.prefix}`,
        '',
      );
    }
  }
  // A swarm network this node has no endpoint on comes from the manager: nil maps, not empty ones.
  const fromManager = nw.scope === 'swarm' && Object.keys(containers).length === 0;
  return goStruct('types.NetworkResource', [
    f('Name', nw.name),
    f('ID', nw.id, { json: 'Id' }),
    f('Created', goTime(nw.created)),
    f('Scope', nw.scope),
    f('Driver', nw.driver),
    f('EnableIPv6', nw.enableIPv6),
    f(
      'IPAM',
      goStruct('network.IPAM', [
        f('Driver', nw.ipamDriver),
        f('Options', goStringMap(nw.ipamOptions)),
        f('Config', goSlice(nw.ipam.map(ipamConfigView))),
      ]),
    ),
    f('Internal', nw.internal),
    f('Attachable', nw.attachable),
    f('Ingress', nw.ingress),
    f('ConfigFrom', goStruct('network.ConfigReference', [f('Network', nw.configFrom)])),
    f('ConfigOnly', nw.configOnly),
    f('Containers', goMap(fromManager && withContainers ? null : containers)),
    f('Options', goStringMap(nw.options)),
    f('Labels', goStringMap(fromManager && !Object.keys(nw.labels).length ? null : nw.labels)),
    // `Peers []network.PeerInfo json:",omitempty"`: nil here, so JSON leaves it out while
    // templates still see it (`{{json .Peers}} {{.Peers}}` → `null []`, 205).
    f('Peers', goSlice([], true), { omitempty: true }),
  ]);
}
