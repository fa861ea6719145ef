/** `docker network ...`: ls, create, inspect, rm, connect, disconnect, prune. */

import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors.ts';
import { goTimeString } from '../../go/fmt.ts';
import { f, type GoValue, goFunc, goStruct } from '../../go/values.ts';
import type { NetworkRecord } from '../../model/state.ts';
import { tryFindNetwork } from '../../ops/lookup.ts';
import { networkConnect, networkDisconnect } from '../../ops/network-connect.ts';
import {
  type NetworkCreateRequest,
  networkCreate,
  networkInspect,
  networkList,
  networkRemove,
  networksPrune,
} from '../../ops/networks.ts';
import { networkView } from '../../views/network-view.ts';
import type { CommandContext, GroupCommand, LeafCommand } from '../command.ts';
import {
  inspectObjects,
  parseFilters,
  parseKeyValues,
  printDaemonError,
  printNoSuchOrDaemonError,
} from '../common.ts';
import { filterFlag } from '../flags.ts';
import { formatList } from '../format/list-format.ts';
import { naturalCompare } from '../format/natural-sort.ts';

const ls: LeafCommand = {
  name: 'ls',
  aliases: ['list'],
  use: '[OPTIONS]',
  short: 'List networks',
  args: { kind: 'none' },
  flags: [
    filterFlag("Provide filter values (e.g. 'driver=bridge')", true),
    { name: 'format', type: 'string', help: 'Pretty-print networks using a Go template' },
    { name: 'no-trunc', type: 'bool', help: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display network IDs' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    let list: NetworkRecord[];
    try {
      list = networkList(ctx.engine, filters);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    list = [...list].sort((a, b) => naturalCompare(a.name, b.name));
    const noTrunc = ctx.flags.bool('no-trunc');
    const format = ctx.flags.bool('quiet') ? '{{.ID}}' : ctx.flags.string('format');
    ctx.term.out(formatList(networkListFormat(noTrunc), list, format));
    return 0;
  },
};

export function networkListFormat(noTrunc: boolean) {
  return {
    defaultFormat: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
    headers: {
      ID: 'NETWORK ID',
      Name: 'NAME',
      Driver: 'DRIVER',
      Scope: 'SCOPE',
      IPv6: 'IPV6',
      Internal: 'INTERNAL',
      Labels: 'LABELS',
      CreatedAt: 'CREATED AT',
    },
    context: (nw: NetworkRecord): GoValue => networkContext(nw, noTrunc),
  };
}

/** The CLI's `networkContext`: what `docker network ls --format` templates can call. */
function networkContext(nw: NetworkRecord, noTrunc: boolean): GoValue {
  const labels = Object.keys(nw.labels)
    .sort()
    .map((k) => `${k}=${nw.labels[k]}`)
    .join(',');
  const methods = {
    ID: goFunc(() => (noTrunc ? nw.id : nw.id.slice(0, 12))),
    Name: goFunc(() => nw.name),
    Driver: goFunc(() => nw.driver),
    Scope: goFunc(() => nw.scope),
    IPv6: goFunc(() => String(nw.enableIPv6)),
    Internal: goFunc(() => String(nw.internal)),
    Labels: goFunc(() => labels),
    Label: goFunc((name) => nw.labels[String(name)] ?? ''),
    CreatedAt: goFunc(() => goTimeString(nw.created)),
  };
  return goStruct('*network.networkContext', [f('trunc', !noTrunc)], methods);
}

const create: LeafCommand = {
  name: 'create',
  use: '[OPTIONS] NETWORK',
  short: 'Create a network',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'attachable', type: 'bool', help: 'Enable manual container attachment' },
    {
      name: 'aux-address',
      type: 'map',
      defaultText: 'map[]',
      help: 'Auxiliary IPv4 or IPv6 addresses used by Network driver',
    },
    { name: 'config-from', type: 'string', help: 'The network from which to copy the configuration' },
    { name: 'config-only', type: 'bool', help: 'Create a configuration only network' },
    {
      name: 'driver',
      short: 'd',
      type: 'string',
      defaultText: '"bridge"',
      help: 'Driver to manage the Network',
    },
    { name: 'gateway', type: 'strings', help: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'ingress', type: 'bool', help: 'Create swarm routing-mesh network' },
    { name: 'internal', type: 'bool', help: 'Restrict external access to the network' },
    { name: 'ip-range', type: 'strings', help: 'Allocate container ip from a sub-range' },
    { name: 'ipam-driver', type: 'string', defaultText: '"default"', help: 'IP Address Management Driver' },
    { name: 'ipam-opt', type: 'map', defaultText: 'map[]', help: 'Set IPAM driver specific options' },
    { name: 'ipv6', type: 'bool', help: 'Enable IPv6 networking' },
    { name: 'label', type: 'list', help: 'Set metadata on a network' },
    { name: 'opt', short: 'o', type: 'map', defaultText: 'map[]', help: 'Set driver specific options' },
    { name: 'scope', type: 'string', help: "Control the network's scope" },
    { name: 'subnet', type: 'strings', help: 'Subnet in CIDR format that represents a network segment' },
  ],
  run(ctx) {
    const { flags } = ctx;
    const opts = parseKeyValues(ctx, flags.list('opt'));
    const ipamOpts = parseKeyValues(ctx, flags.list('ipam-opt'));
    const aux = parseKeyValues(ctx, flags.list('aux-address'));
    if (!opts || !ipamOpts || !aux) return 1;
    const ipamConfig = consolidateIpam(
      flags.list('subnet'),
      flags.list('ip-range'),
      flags.list('gateway'),
      aux,
    );
    if (typeof ipamConfig === 'string') {
      ctx.term.eprintln(ipamConfig);
      return 1;
    }
    const labels: Record<string, string> = {};
    for (const l of flags.list('label')) {
      const eq = l.indexOf('=');
      if (eq < 0) labels[l] = '';
      else labels[l.slice(0, eq)] = l.slice(eq + 1);
    }
    const req: NetworkCreateRequest = {
      Name: ctx.args[0]!,
      CheckDuplicate: true,
      Driver: flags.string('driver', 'bridge'),
      Scope: flags.string('scope'),
      Internal: flags.bool('internal'),
      Attachable: flags.bool('attachable'),
      Ingress: flags.bool('ingress'),
      EnableIPv6: flags.bool('ipv6'),
      IPAM: { Driver: flags.string('ipam-driver', 'default'), Config: ipamConfig, Options: ipamOpts },
      Options: opts,
      Labels: labels,
      ConfigOnly: flags.bool('config-only'),
      ...(flags.string('config-from') ? { ConfigFrom: { Network: flags.string('config-from') } } : {}),
    };
    try {
      const res = networkCreate(ctx.engine, req);
      ctx.term.println(res.Id);
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

type IpamConfigs = NonNullable<NonNullable<NetworkCreateRequest['IPAM']>['Config']>;

/** The CLI's own check of `--subnet`, `--ip-range`, `--gateway` and `--aux-address` before it asks the daemon. */
export function consolidateIpam(
  subnets: string[],
  ranges: string[],
  gateways: string[],
  aux: Record<string, string>,
): IpamConfigs | string {
  if (subnets.length < ranges.length || subnets.length < gateways.length) {
    return 'every ip-range or gateway must have a corresponding subnet';
  }
  const data = new Map<
    string,
    { Subnet: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses: Record<string, string> }
  >();
  for (const s of subnets) {
    for (const k of data.keys()) {
      const a = subnetMatches(s, k);
      if (typeof a === 'string') return a;
      const b = subnetMatches(k, s);
      if (typeof b === 'string') return b;
      if (a || b) return 'multiple overlapping subnet configuration is not supported';
    }
    data.set(s, { Subnet: s, AuxiliaryAddresses: {} });
  }
  for (const r of ranges) {
    let match = false;
    for (const s of subnets) {
      const ok = subnetMatches(s, r);
      if (typeof ok === 'string') return ok;
      if (!ok) continue;
      const d = data.get(s)!;
      if (d.IPRange) return `cannot configure multiple ranges (${r}, ${d.IPRange}) on the same subnet (${s})`;
      d.IPRange = r;
      match = true;
    }
    if (!match) return `no matching subnet for range ${r}`;
  }
  for (const g of gateways) {
    let match = false;
    for (const s of subnets) {
      const ok = subnetMatches(s, g);
      if (typeof ok === 'string') return ok;
      if (!ok) continue;
      const d = data.get(s)!;
      if (d.Gateway)
        return `cannot configure multiple gateways (${g}, ${d.Gateway}) for the same subnet (${s})`;
      d.Gateway = g;
      match = true;
    }
    if (!match) return `no matching subnet for gateway ${g}`;
  }
  for (const [key, aa] of Object.entries(aux)) {
    let match = false;
    for (const s of subnets) {
      const ok = subnetMatches(s, aa);
      if (typeof ok === 'string') return ok;
      if (!ok) continue;
      data.get(s)!.AuxiliaryAddresses[key] = aa;
      match = true;
    }
    if (!match) return `no matching subnet for aux-address ${aa}`;
  }
  return [...data.values()];
}

import { contains, parseCidr, parseIp } from '../../ipam.ts';

function subnetMatches(subnet: string, data: string): boolean | string {
  const s = parseCidr(subnet);
  if (!s) return `invalid subnet: invalid CIDR address: ${subnet}`;
  let ip: { v6: boolean; addr: bigint } | null;
  if (data.includes('/')) {
    const c = parseCidr(data);
    if (!c) return `invalid CIDR address: ${data}`;
    ip = { v6: c.v6, addr: c.addr };
  } else ip = parseIp(data);
  if (!ip) return false;
  return contains(s, ip.addr, ip.v6);
}

const inspect: LeafCommand = {
  name: 'inspect',
  use: '[OPTIONS] NETWORK [NETWORK...]',
  short: 'Display detailed information on one or more networks',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
    { name: 'verbose', short: 'v', type: 'bool', help: 'Verbose output for diagnostics' },
  ],
  run(ctx) {
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (term) => {
      try {
        return networkView(ctx.engine, networkInspect(ctx.engine, term));
      } catch (e) {
        if (e instanceof EngineError && e.status === 404)
          return { notFound: `Error: No such network: ${term}` };
        throw e;
      }
    });
  },
};

const INGRESS_REMOVE_WARNING =
  'WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm run the same docker engine version. Otherwise, removal may not be effective and functionality of newly create ingress networks will be impaired.';

const rm: LeafCommand = {
  name: 'rm',
  aliases: ['remove'],
  use: 'NETWORK [NETWORK...]',
  short: 'Remove one or more networks',
  args: { kind: 'min', n: 1 },
  flags: [],
  run(ctx) {
    let status = 0;
    for (const name of ctx.args) {
      const target = tryFindNetwork(ctx.engine, name);
      if (target?.ingress) {
        // The CLI asks first; with no terminal input the answer is no and the network is skipped.
        ctx.term.out(`${INGRESS_REMOVE_WARNING}\nAre you sure you want to continue? [y/N] `);
        continue;
      }
      try {
        networkRemove(ctx.engine, name);
        ctx.term.println(name);
      } catch (e) {
        printNoSuchOrDaemonError(ctx, e, 'network', name);
        status = 1;
      }
    }
    return status;
  },
};

const connect: LeafCommand = {
  name: 'connect',
  use: '[OPTIONS] NETWORK CONTAINER',
  short: 'Connect a container to a network',
  args: { kind: 'exact', n: 2 },
  flags: [
    { name: 'alias', type: 'strings', help: 'Add network-scoped alias for the container' },
    { name: 'driver-opt', type: 'strings', help: 'driver options for the network' },
    { name: 'ip', type: 'string', help: 'IPv4 address (e.g., 172.30.100.104)' },
    { name: 'ip6', type: 'string', help: 'IPv6 address (e.g., 2001:db8::33)' },
    { name: 'link', type: 'list', help: 'Add link to another container' },
    { name: 'link-local-ip', type: 'strings', help: 'Add a link-local address for the container' },
  ],
  run(ctx) {
    try {
      networkConnect(ctx.engine, ctx.args[0]!, ctx.args[1]!, {
        aliases: ctx.flags.list('alias'),
        links: ctx.flags.list('link'),
        // The CLI always sends an IPAMConfig and a DriverOpts map, empty or not.
        emptyConfig: true,
        ...(ctx.flags.string('ip') ? { ipv4: ctx.flags.string('ip') } : {}),
        ...(ctx.flags.string('ip6') ? { ipv6: ctx.flags.string('ip6') } : {}),
      });
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const disconnect: LeafCommand = {
  name: 'disconnect',
  use: '[OPTIONS] NETWORK CONTAINER',
  short: 'Disconnect a container from a network',
  args: { kind: 'exact', n: 2 },
  flags: [
    { name: 'force', short: 'f', type: 'bool', help: 'Force the container to disconnect from a network' },
  ],
  run(ctx) {
    try {
      networkDisconnect(ctx.engine, ctx.args[0]!, ctx.args[1]!, ctx.flags.bool('force'));
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const prune: LeafCommand = {
  name: 'prune',
  use: '[OPTIONS]',
  short: 'Remove all unused networks',
  args: { kind: 'none' },
  flags: [
    filterFlag("Provide filter values (e.g. 'until=<timestamp>')"),
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  run(ctx: CommandContext) {
    if (!ctx.flags.bool('force')) {
      // No terminal input in a sandbox command: the prompt reads end-of-file and answers no.
      ctx.term.out(
        'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ',
      );
      return 0;
    }
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    let removed: string[];
    try {
      removed = networksPrune(ctx.engine, filters);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    if (removed.length) ctx.term.println(`Deleted Networks:\n${removed.join('\n')}\n`);
    return 0;
  },
};

export const networkCommand: GroupCommand = {
  name: 'network',
  short: 'Manage networks',
  children: [connect, create, disconnect, inspect, ls, prune, rm],
};

export type { Engine };
