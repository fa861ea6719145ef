/**
 * The topology as a Graphviz DOT graph. Each network is a coloured box (a cluster) holding its
 * containers, labelled with their address; the host sits on top, with its leg (gateway) on each
 * bridge and the published ports drawn to the containers that own them. A container on two
 * networks sits in its first and has a line to the other.
 *
 * Big sandboxes wrap: networks go in a grid, containers in rows inside their network, so the
 * picture stays near 2:1 and readable as a chat thumbnail instead of one very long strip.
 */
import {
  effectiveGateway,
  ipv4Subnet,
  isRunning,
  type TopoContainer,
  type Topology,
  type TopoNetwork,
  visibleNetworks,
} from './model.ts';
import { formatPort } from './summary.ts';

/** The font the PNG renderer embeds (see render.ts); Graphviz sizes boxes for it. */
export const DIAGRAM_FONT = 'DejaVu Sans';

/** Containers side by side inside one network before the next row. */
export const CONTAINERS_PER_ROW = 3;

/** Beyond this many containers the picture stops being readable; the rest are counted. */
export const DIAGRAM_MAX_CONTAINERS = 60;

const COLORS = {
  bridge: '#dbeafe',
  defaultBridge: '#e0e7ff',
  overlay: '#dcfce7',
  macvlan: '#fef3c7',
  host: '#fde68a',
  none: '#e5e7eb',
  other: '#f3e8ff',
  loose: '#f9fafb',
  border: '#6b7280',
  internal: '#dc2626',
  edge: '#4b5563',
  port: '#c2410c',
  stopped: '#9ca3af',
} as const;

/** HTML-label text: Graphviz's HTML labels need &, < and > escaped. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A quoted DOT ID. */
function id(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const small = (s: string, color?: string) =>
  `<font point-size="10"${color ? ` color="${color}"` : ''}>${esc(s)}</font>`;

function netFill(n: TopoNetwork): string {
  if (n.defaultBridge) return COLORS.defaultBridge;
  if (n.driver === 'bridge') return COLORS.bridge;
  if (n.driver === 'overlay') return COLORS.overlay;
  if (n.driver === 'macvlan' || n.driver === 'ipvlan') return COLORS.macvlan;
  if (n.driver === 'host') return COLORS.host;
  if (n.driver === 'null') return COLORS.none;
  return COLORS.other;
}

function netLabel(t: Topology, n: TopoNetwork): string {
  const v4 = ipv4Subnet(n);
  const kind = n.defaultBridge ? 'default bridge' : n.driver === 'null' ? 'none' : n.driver;
  const lines = [`<b>${esc(n.name)}</b>`];
  const what = `${kind === n.name ? '' : kind}${v4 ? ` ${v4.subnet}` : ''}`.trim();
  if (what) lines.push(small(what));
  const gw = n.driver === 'bridge' ? effectiveGateway(t, n) : '';
  if (gw) lines.push(small(`host side ${gw}`));
  if (n.defaultBridge) lines.push(small('no DNS: addresses only'));
  if (n.internal) lines.push(small('internal: no way out', COLORS.internal));
  if (n.driver === 'null') lines.push(small('loopback only'));
  if (n.driver === 'host') lines.push(small("the host's own network"));
  if (n.scope === 'swarm') lines.push(small(`swarm${n.attachable ? ', attachable' : ''}`));
  return `<${lines.join('<br/>')}>`;
}

function ctrLabel(c: TopoContainer, home: string | undefined): string {
  const lines = [`<b>${esc(c.name)}</b>`, small(c.image)];
  const addr = c.attachments.find((a) => a.network === home)?.address;
  if (addr) lines.push(small(addr));
  if (!isRunning(c)) lines.push(small(c.state, COLORS.stopped));
  for (const p of c.ports) lines.push(small(formatPort(p).replace('->', ' → '), COLORS.port));
  return `<${lines.join('<br/>')}>`;
}

interface Group {
  key: string;
  network: TopoNetwork | undefined;
  members: TopoContainer[];
}

/**
 * Each container lives in the box of its first network (networks in name order); containers on
 * no visible network share a box of their own.
 */
function groups(nets: TopoNetwork[], shown: TopoContainer[]): Group[] {
  const out: Group[] = nets.map((n) => ({ key: n.name, network: n, members: [] }));
  const byName = new Map(out.map((g) => [g.key, g]));
  const loose: Group = { key: '', network: undefined, members: [] };
  for (const c of shown) {
    const home = c.attachments.map((a) => byName.get(a.network)).find((g) => g !== undefined);
    (home ?? loose).members.push(c);
  }
  if (loose.members.length) out.push(loose);
  return out;
}

export function toDot(t: Topology): string {
  const nets = visibleNetworks(t);
  const shown = t.containers.slice(0, DIAGRAM_MAX_CONTAINERS);
  const boxes = groups(nets, shown);
  const cols = boxes.length <= 5 ? Math.max(1, boxes.length) : Math.ceil(Math.sqrt(boxes.length * 1.5));
  const gridRows = Math.ceil(boxes.length / cols);
  // One grid row of network boxes: the host's lines and port arrows stay readable. More rows: they
  // would cross every box above, so the host side and ports are read from the labels instead.
  const wired = gridRows <= 1;

  const out: string[] = [];
  out.push('digraph topology {');
  out.push(
    `  graph [rankdir=TB, bgcolor="white", pad="0.25", nodesep="0.25", ranksep="0.45", fontname="${DIAGRAM_FONT}", fontsize=12, newrank=true, compound=true];`,
  );
  out.push(
    `  node [fontname="${DIAGRAM_FONT}", fontsize=13, shape=box, style="rounded,filled", fillcolor="white", penwidth=1.2, margin="0.12,0.05"];`,
  );
  out.push(
    `  edge [fontname="${DIAGRAM_FONT}", fontsize=10, color="${COLORS.edge}", arrowsize=0.7, dir=none];`,
  );
  const hostLine = t.host.address ? `<br/>${small(t.host.address)}` : '';
  out.push(
    `  host [label=<<b>host ${esc(t.host.name)}</b>${hostLine}>, shape=box3d, style=filled, fillcolor="#f9fafb"];`,
  );

  // Ranks: grid row r starts where the deepest box of row r-1 ended.
  let base = 1;
  const headRank = new Map<string, number>();
  for (let r = 0; r < gridRows; r++) {
    const row = boxes.slice(r * cols, (r + 1) * cols);
    for (const g of row) headRank.set(g.key, base);
    base += 1 + Math.max(0, ...row.map((g) => Math.ceil(g.members.length / CONTAINERS_PER_ROW)));
  }

  const home = new Map<string, string>();
  boxes.forEach((g, i) => {
    const n = g.network;
    const head = id(`net:${g.key}`);
    out.push(`  subgraph ${id(`cluster_${i}`)} {`);
    const border = n?.internal ? COLORS.internal : COLORS.border;
    const pen = n?.internal ? 2 : 1;
    out.push(
      `    graph [style="rounded,filled", fillcolor="${n ? netFill(n) : COLORS.loose}", color="${border}", penwidth=${pen}, label="", margin=10];`,
    );
    const label = n ? netLabel(t, n) : `<<b>not on any network</b>>`;
    out.push(`    ${head} [label=${label}, shape=plaintext, style="", margin="0.05,0.02"];`);
    g.members.forEach((c, k) => {
      home.set(c.name, g.key);
      const style = isRunning(c)
        ? ''
        : `, style="rounded,filled,dashed", fillcolor="#f9fafb", color="${COLORS.stopped}", fontcolor="#4b5563"`;
      out.push(`    ${id(`ctr:${c.name}`)} [label=${ctrLabel(c, g.key)}${style}];`);
      const len = 1 + Math.floor(k / CONTAINERS_PER_ROW);
      out.push(`    ${head} -> ${id(`ctr:${c.name}`)} [style=invis${len > 1 ? `, minlen=${len}` : ''}];`);
    });
    out.push('  }');
  });

  // The host's place above every box; its visible legs only when they would not cross boxes.
  boxes.forEach((g) => {
    const n = g.network;
    const head = id(`net:${g.key}`);
    const len = headRank.get(g.key)!;
    const minlen = len > 1 ? `, minlen=${len}` : '';
    if (!wired || !n || n.driver === 'null') {
      out.push(`  host -> ${head} [style=invis${minlen}];`);
    } else if (n.driver === 'host') {
      out.push(`  host -> ${head} [penwidth=2.5, color="${COLORS.host}"${minlen}];`);
    } else {
      const style = n.driver === 'bridge' ? 'solid' : 'dotted';
      const color = n.internal ? COLORS.internal : COLORS.edge;
      out.push(`  host -> ${head} [style=${style}, color="${color}"${minlen}];`);
    }
  });

  // Second and further networks of a container: a line to that network's box.
  const keys = new Set(boxes.map((g) => g.key));
  for (const c of shown) {
    for (const a of c.attachments) {
      if (a.network === home.get(c.name) || !keys.has(a.network)) continue;
      const label = a.address ? `, label=<${small(a.address)}>` : '';
      const style = isRunning(c) ? '' : `, style=dashed, color="${COLORS.stopped}"`;
      out.push(`  ${id(`ctr:${c.name}`)} -> ${id(`net:${a.network}`)} [constraint=false${label}${style}];`);
    }
  }
  // `--link`: a one-way name in the linking container's /etc/hosts.
  const names = new Set(shown.map((c) => c.name));
  for (const c of shown) {
    for (const l of c.links) {
      if (!names.has(l.target)) continue;
      out.push(
        `  ${id(`ctr:${c.name}`)} -> ${id(`ctr:${l.target}`)} [dir=forward, style=dotted, constraint=false, label=<${small(`link ${l.alias}`)}>];`,
      );
    }
  }
  if (wired) {
    for (const c of shown) {
      if (!c.ports.length) continue;
      out.push(
        `  host -> ${id(`ctr:${c.name}`)} [dir=forward, color="${COLORS.port}", style=bold, constraint=false];`,
      );
    }
  }
  if (t.containers.length > shown.length) {
    out.push(
      `  more [label="… ${t.containers.length - shown.length} more containers", shape=plaintext, style=""];`,
    );
    out.push(`  host -> more [style=invis, minlen=${base}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
