/**
 * Who can reach whom, by name and by address, and why not: the rules the module teaches.
 *
 * - Containers on a shared user-defined network (bridge, overlay, macvlan, ipvlan) find each other
 *   by name through Docker's embedded DNS, and by address.
 * - On the default bridge there is no DNS: addresses only (or a `--link` alias).
 * - Networks are isolated from each other: no shared network, no way across, except through a
 *   port published on the host.
 * - An internal network has no way out: no route beyond its own subnet, so no published ports
 *   of others and no internet; the host's address on it (the gateway) still answers.
 * - `none`: loopback only. `host`: the container shares the host's network and its ports.
 */
import {
  containerNamed,
  effectiveGateway,
  isRunning,
  networkNamed,
  type TopoAttachment,
  type TopoContainer,
  type Topology,
  type TopoNetwork,
} from './model.ts';
import { formatPort } from './summary.ts';

export interface Verdict {
  ok: boolean;
  /** How (`ping db` on app) or why not, one sentence. */
  why: string;
}

export interface ReachAnswer {
  from: string;
  to: string;
  byName: Verdict;
  byAddress: Verdict;
  /** What else works or would fix it (published ports, `docker network connect`). */
  hint?: string;
}

/** Names `reach` takes besides containers. */
export const HOST = 'host';
export const OUTSIDE = 'internet';

type Party = { kind: 'container'; c: TopoContainer } | { kind: 'host' } | { kind: 'outside' };

export class UnknownPartyError extends Error {
  constructor(readonly term: string) {
    super(`No such container: ${term}`);
    this.name = 'UnknownPartyError';
  }
}

function party(t: Topology, term: string): Party {
  const c = containerNamed(t, term);
  if (c) return { kind: 'container', c };
  if (term === HOST) return { kind: 'host' };
  if (term === OUTSIDE || term === 'outside') return { kind: 'outside' };
  throw new UnknownPartyError(term);
}

const yes = (why: string): Verdict => ({ ok: true, why });
const no = (why: string): Verdict => ({ ok: false, why });
const both = (v: Verdict) => ({ byName: v, byAddress: v });

/** Attachments with a live address, with their network. */
function live(t: Topology, c: TopoContainer): Array<{ a: TopoAttachment; n: TopoNetwork }> {
  if (!isRunning(c)) return [];
  const out = [];
  for (const a of c.attachments) {
    const n = networkNamed(t, a.network);
    if (n && a.address) out.push({ a, n });
  }
  return out;
}

const modeIs = (c: TopoContainer, driver: 'host' | 'null', t: Topology) =>
  c.networkMode === (driver === 'null' ? 'none' : 'host') ||
  c.attachments.some((a) => networkNamed(t, a.network)?.driver === driver);

/** The container has a route off its networks (a non-internal bridge-like network). */
function hasWayOut(t: Topology, c: TopoContainer): boolean {
  return live(t, c).some(({ n }) => !n.internal);
}

/** Answers "can `fromTerm` reach `toTerm`?"; throws UnknownPartyError for a name that is neither. */
export function reach(t: Topology, fromTerm: string, toTerm: string): ReachAnswer {
  const from = party(t, fromTerm);
  const to = party(t, toTerm);
  const label = (p: Party, term: string) => (p.kind === 'container' ? p.c.name : term);
  const base = { from: label(from, fromTerm), to: label(to, toTerm) };
  return { ...base, ...judge(t, from, to) };
}

function judge(t: Topology, from: Party, to: Party): Omit<ReachAnswer, 'from' | 'to'> {
  if (from.kind === 'outside') return fromOutside(t, to);
  if (from.kind === 'host') return fromHost(t, to);
  const a = from.c;
  if (!isRunning(a)) return both(no(`${a.name} is ${a.state}: start it first (docker start ${a.name})`));
  if (modeIs(a, 'null', t))
    return both(no(`${a.name} is on the none network: it has only loopback and reaches nothing`));
  if (to.kind === 'outside') return toOutside(t, a);
  if (to.kind === 'host') return toHost(t, a);
  return containerToContainer(t, a, to.c);
}

function toOutside(t: Topology, a: TopoContainer): Omit<ReachAnswer, 'from' | 'to'> {
  if (modeIs(a, 'host', t))
    return both(yes(`${a.name} uses the host's network, so it goes out as the host does`));
  const out = live(t, a).find(({ n }) => !n.internal);
  if (out) return both(yes(`out through ${out.n.name} (NAT on the host)`));
  return both(no(`${a.name} is only on internal networks: they have no way out`));
}

function toHost(t: Topology, a: TopoContainer): Omit<ReachAnswer, 'from' | 'to'> {
  if (modeIs(a, 'host', t)) return both(yes(`${a.name} shares the host's network: localhost is the host`));
  const legs = live(t, a).filter(({ n }) => n.driver === 'bridge');
  const gw = legs[0] ? effectiveGateway(t, legs[0].n) : '';
  return {
    byName: no(`the host has no name in Docker's DNS; use its address`),
    byAddress: legs.length
      ? yes(`the host answers on its address on ${legs[0]!.n.name}${gw ? ` (${gw})` : ''}`)
      : no(`${a.name} has no bridge network, so no leg on the host`),
  };
}

function fromHost(t: Topology, to: Party): Omit<ReachAnswer, 'from' | 'to'> {
  if (to.kind === 'host') return both(yes('the host reaches itself on localhost'));
  if (to.kind === 'outside') return both(yes('the host goes out through its own interface'));
  const b = to.c;
  if (!isRunning(b)) return both(no(`${b.name} is ${b.state}: nothing answers`));
  const ports = b.ports.map(formatPort).join(' ');
  const hint = ports ? `published ports: localhost ${ports}` : undefined;
  const byName = no(`the host does not use Docker's embedded DNS: use an address or a published port`);
  if (modeIs(b, 'host', t))
    return { byName, byAddress: yes(`${b.name} uses the host's network: localhost:PORT`) };
  if (modeIs(b, 'null', t)) return both(no(`${b.name} is on the none network: nothing can reach it`));
  const legs = live(t, b);
  const bridge = legs.find(({ n }) => n.driver === 'bridge');
  if (bridge) {
    return withHint(
      {
        byName,
        byAddress: yes(`${bridge.a.address} on ${bridge.n.name}: the host has a leg on every bridge`),
      },
      hint,
    );
  }
  const mac = legs.find(({ n }) => n.driver === 'macvlan' || n.driver === 'ipvlan');
  const why = mac
    ? `${b.name} is on ${mac.n.driver} ${mac.n.name}: the host cannot talk to its own ${mac.n.driver} children through the parent`
    : `${b.name} has no address on a bridge network`;
  return withHint({ byName, byAddress: no(why) }, hint);
}

function fromOutside(t: Topology, to: Party): Omit<ReachAnswer, 'from' | 'to'> {
  if (to.kind !== 'container') return both(no('only published ports are reachable from outside'));
  const b = to.c;
  const byName = no(`container names are known only inside Docker's networks`);
  if (modeIs(b, 'host', t) && isRunning(b))
    return { byName, byAddress: yes(`${b.name} listens on the host's own ports`) };
  if (b.ports.length && isRunning(b)) {
    return {
      byName,
      byAddress: yes(`through the host's published ports ${b.ports.map(formatPort).join(' ')}`),
    };
  }
  return {
    byName,
    byAddress: no(`${b.name} publishes no port: from outside only published ports (-p) are reachable`),
  };
}

function withHint(
  v: Omit<ReachAnswer, 'from' | 'to'>,
  hint: string | undefined,
): Omit<ReachAnswer, 'from' | 'to'> {
  return hint ? { ...v, hint } : v;
}

function namesOn(b: TopoContainer, a: TopoAttachment): string {
  const names = [b.name, ...a.aliases];
  return `${names.join(', ')} ${names.length === 1 ? 'resolves' : 'resolve'}`;
}

function containerToContainer(
  t: Topology,
  a: TopoContainer,
  b: TopoContainer,
): Omit<ReachAnswer, 'from' | 'to'> {
  if (a === b) return both(yes(`${a.name} reaches itself on localhost`));
  if (!isRunning(b)) return both(no(`${b.name} is ${b.state}: nothing answers`));
  if (modeIs(b, 'null', t)) return both(no(`${b.name} is on the none network: nothing can reach it`));
  const aHost = modeIs(a, 'host', t);
  const bHost = modeIs(b, 'host', t);
  if (aHost && bHost) {
    return {
      byName: no(`both share the host's network: use localhost, not ${b.name}`),
      byAddress: yes(`both share the host's network: localhost:PORT`),
    };
  }
  if (bHost) {
    // b's services are the host's ports: a reaches them at the host's address on its own network.
    const via = toHost(t, a).byAddress;
    const internalOnly = !hasWayOut(t, a);
    return {
      byName: no(`${b.name} uses the host's network, which is not in Docker's DNS`),
      byAddress: via.ok
        ? yes(`${b.name} is the host: ${via.why.replace('the host answers', 'its ports answer')}`)
        : no(internalOnly ? `${a.name} is only on internal networks: no way out` : via.why),
    };
  }
  if (aHost) {
    const h = fromHost(t, { kind: 'container', c: b });
    return {
      ...h,
      byName: no(`${a.name} uses the host's network and its DNS, not Docker's: use an address`),
    };
  }
  const bl = live(t, b);
  const shared = live(t, a)
    .map(({ n }) => bl.find((x) => x.n.name === n.name))
    .filter((x): x is NonNullable<typeof x> => x !== undefined);
  if (shared.length) {
    const first = shared[0]!;
    const byAddress = yes(`${first.a.address} on ${first.n.name}`);
    const dns = shared.find(({ n }) => !n.defaultBridge);
    if (dns) return { byAddress, byName: yes(`${namesOn(b, dns.a)} on ${dns.n.name} (embedded DNS)`) };
    const link = a.links.find((l) => l.target === b.name);
    if (link)
      return { byAddress, byName: yes(`as ${link.alias}: a --link writes it into ${a.name}'s /etc/hosts`) };
    return {
      byAddress,
      byName: no(`the default bridge has no DNS: only addresses; put both on a user-defined network`),
      hint: `docker network create NET, then docker network connect NET ${a.name} and ${b.name}`,
    };
  }
  // Nothing shared: isolated, unless b publishes ports and a has a way out to the host.
  const bNets = bl.map(({ n }) => n.name);
  const byName = no(
    bNets.length
      ? `${b.name}'s name is known only on ${bNets.join(', ')}, and ${a.name} is not there`
      : `${b.name} has no address on any network`,
  );
  const byAddress = no(`${a.name} and ${b.name} share no network: Docker isolates networks from each other`);
  const hostLeg = toHost(t, a).byAddress.ok && hasWayOut(t, a);
  const bInternalOnly = bl.length > 0 && bl.every(({ n }) => n.internal);
  let hint: string | undefined;
  if (b.ports.length && hostLeg && !bInternalOnly) {
    hint = `${b.name}'s published ports work through the host: ${b.ports.map(formatPort).join(' ')}`;
  } else if (bNets.length) {
    hint = `docker network connect ${bNets[0]} ${a.name}`;
  }
  return withHint({ byName, byAddress }, hint);
}

/** One answer as chat lines. */
export function explain(r: ReachAnswer): string {
  const mark = (v: Verdict) => (v.ok ? 'yes' : 'no');
  const lines = [
    `${r.from} -> ${r.to}`,
    `  by name:    ${mark(r.byName)}, ${r.byName.why}`,
    `  by address: ${mark(r.byAddress)}, ${r.byAddress.why}`,
  ];
  if (r.hint) lines.push(`  hint: ${r.hint}`);
  return lines.join('\n');
}

/** Cell of the matrix: `name` (by name and address), `addr` (address only), `-` (neither). */
export function reachMatrix(t: Topology): string {
  const names = t.containers.filter(isRunning).map((c) => c.name);
  if (names.length === 0) return 'No running containers: nothing to reach.';
  const shown = names.slice(0, 20);
  const cell = (from: string, to: string) => {
    if (from === to) return '.';
    const r = reach(t, from, to);
    return r.byName.ok ? 'name' : r.byAddress.ok ? 'addr' : '-';
  };
  const w0 = Math.max(9, ...shown.map((n) => n.length));
  const widths = shown.map((n) => Math.max(4, n.length));
  const row = (first: string, cells: string[]) =>
    [first.padEnd(w0), ...cells.map((c, i) => c.padEnd(widths[i] ?? 4))].join('  ').trimEnd();
  const lines = [
    row('from \\ to', shown),
    ...shown.map((f) =>
      row(
        f,
        shown.map((to) => cell(f, to)),
      ),
    ),
  ];
  lines.push('name: by name and address; addr: by address only; -: not at all');
  if (names.length > shown.length)
    lines.push(`(first ${shown.length} of ${names.length} running containers)`);
  return lines.join('\n');
}
