/**
 * `--explain` after a command: what changed in the sandbox and why, from the engine's state
 * before and after (simulated sandboxes), in the module's terms.
 */
import type { EngineState, NetworkRecord } from '../engine/model/state.ts';
import { topologyChanges } from '../topology/diff.ts';
import { topologyFromState } from '../topology/from-sim-state.ts';

/** Why a new network matters, by driver and options. */
function networkStory(n: NetworkRecord): string {
  const v4 = n.ipam.find((c) => !c.subnet.includes(':'));
  const range = v4 ? ` ${v4.subnet}${v4.gateway ? ` (gateway ${v4.gateway})` : ''}` : '';
  const pool = n.userSubnet
    ? ', a subnet you chose'
    : v4
      ? ", the next free pool from Docker's defaults"
      : '';
  const internal = n.internal
    ? ' It is internal: containers on it reach each other but nothing outside.'
    : '';
  switch (n.driver) {
    case 'bridge':
      return (
        `created a user-defined bridge ${n.name}${range}${pool}; containers on it resolve each other by name ` +
        `through the embedded DNS at 127.0.0.11 and are isolated from other networks.${internal}`
      );
    case 'overlay': {
      const vxlan = n.options['com.docker.network.driver.overlay.vxlanid_list'];
      return (
        `created an overlay ${n.name}${range} spanning the swarm${vxlan ? ` (VXLAN ID ${vxlan})` : ''}; ` +
        `services on it find each other by name${n.attachable ? ', and plain containers may join it too (--attachable)' : '; only services may join it (not --attachable)'}.${internal}`
      );
    }
    case 'macvlan':
    case 'ipvlan': {
      const parent = n.options.parent ?? '(a dummy interface)';
      const trunk = /\.\d+$/.test(parent)
        ? ` ${parent} is an 802.1q sub-interface: traffic is tagged with VLAN ${parent.split('.').pop()}.`
        : '';
      return (
        `created a ${n.driver} network ${n.name}${range} on parent ${parent}; containers on it appear on that LAN ` +
        `${n.driver === 'macvlan' ? 'with their own MAC addresses' : "sharing the parent's MAC"}, and the host cannot reach them through the parent.${trunk}${internal}`
      );
    }
    default:
      return `created network ${n.name} (driver ${n.driver})${range}.${internal}`;
  }
}

/** The sentences, in order: daemon-level changes, networks, containers, services, images, logins. */
export function whatHappened(before: EngineState, after: EngineState): string[] {
  const out: string[] = [];
  if (!before.swarm && after.swarm) {
    out.push(
      'this engine became a swarm manager: overlay networks and services are now possible, and the ingress overlay carries the routing mesh for published service ports.',
    );
  } else if (before.swarm && !after.swarm) {
    out.push('this engine left the swarm: its overlay networks and services are gone.');
  }
  const beforeNets = new Map(before.networks.map((n) => [n.id, n]));
  const afterNets = new Map(after.networks.map((n) => [n.id, n]));
  for (const n of after.networks) {
    if (beforeNets.has(n.id) || n.configOnly || n.name === 'ingress') continue;
    if (n.name === 'docker_gwbridge') {
      out.push('Docker created docker_gwbridge: it links overlay containers to the outside world.');
      continue;
    }
    out.push(networkStory(n));
  }
  for (const n of before.networks) {
    if (!afterNets.has(n.id) && n.name !== 'ingress')
      out.push(`removed network ${n.name}; its address range is free again.`);
  }
  const beforeTopo = topologyFromState(before);
  const afterTopo = topologyFromState(after);
  const defaultBridge = new Set(afterTopo.networks.filter((n) => n.defaultBridge).map((n) => n.name));
  for (const change of topologyChanges(beforeTopo, afterTopo)) {
    if (/^[+-]network /.test(change)) continue;
    out.push(containerStory(change, defaultBridge));
  }
  out.push(...serviceChanges(before, after), ...imageChanges(before, after), ...loginChanges(before, after));
  return out;
}

/** A container change (from the topology diff) with the reason it matters. */
function containerStory(change: string, defaultBridge: Set<string>): string {
  if (change.startsWith('+')) {
    const onDefault = [...defaultBridge].some((b) => change.includes(` on ${b}`));
    const why = onDefault
      ? ' It is on the default bridge: others reach it by address only (no DNS there).'
      : change.includes(' on ')
        ? ' Containers on the same user-defined network can reach it by name.'
        : '';
    return `new container ${change.slice(1)}.${why}`;
  }
  if (change.startsWith('-'))
    return `container ${change.slice(1)} was removed, and its endpoints and addresses with it.`;
  return `container ${containerUpdate(change, defaultBridge)}`;
}

function containerUpdate(change: string, defaultBridge: Set<string>): string {
  const joined = / joined (\S+)/.exec(change);
  if (joined) {
    const net = joined[1] ?? '';
    return defaultBridge.has(net)
      ? `${change}: reachable there by address only.`
      : `${change}: it got one more interface and now resolves (and is resolved) by name on ${net}.`;
  }
  if (/ left /.test(change)) return `${change}: that interface and its name on the network are gone.`;
  if (/ publishes /.test(change)) return `${change}: the host now forwards those ports to it.`;
  if (/ released /.test(change) || / exited$| created$/.test(change))
    return `${change}: a container that is not running gives its addresses back.`;
  return `${change}.`;
}

function serviceChanges(before: EngineState, after: EngineState): string[] {
  const was = new Map((before.swarm?.services ?? []).map((s) => [s.id, s]));
  const now = after.swarm?.services ?? [];
  const out: string[] = [];
  for (const s of now) {
    const old = was.get(s.id);
    if (!old) {
      const nets = s.networks.length
        ? ` on ${s.networks.length} network(s); its name resolves to a virtual IP there`
        : '';
      out.push(`created service ${s.name} with ${s.replicas} replica(s)${nets}.`);
    } else if (old.replicas !== s.replicas) {
      out.push(
        `service ${s.name} scaled ${old.replicas} -> ${s.replicas}; the virtual IP balances across the tasks.`,
      );
    }
    was.delete(s.id);
  }
  for (const s of was.values()) out.push(`removed service ${s.name}.`);
  return out;
}

function imageChanges(before: EngineState, after: EngineState): string[] {
  const tags = (s: EngineState) => new Set(s.images.flatMap((i) => i.repoTags));
  const b = tags(before);
  const a = tags(after);
  const out: string[] = [];
  for (const t of a) if (!b.has(t)) out.push(`image ${t} is now in the sandbox.`);
  for (const t of b) if (!a.has(t)) out.push(`image ${t} was removed.`);
  return out;
}

function loginChanges(before: EngineState, after: EngineState): string[] {
  const out: string[] = [];
  for (const server of Object.keys(after.auths))
    if (!(server in before.auths))
      out.push(`logged in to ${server}: pushes and pulls there now carry X-Registry-Auth.`);
  for (const server of Object.keys(before.auths))
    if (!(server in after.auths)) out.push(`logged out of ${server}.`);
  return out;
}

/** The `--explain` text for one command. */
export function whatHappenedText(before: EngineState, after: EngineState, exitCode: number): string {
  const lines = whatHappened(before, after);
  if (lines.length === 0) {
    return exitCode === 0
      ? 'What happened: nothing changed in the sandbox; this command only reads.'
      : 'What happened: the command failed and Docker left the sandbox as it was.';
  }
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return ['What happened:', ...lines.map((l) => `• ${cap(l)}`)].join('\n');
}
