/**
 * Listing tables: 1.29's `ps` (a texttable with centred headers, columns three spaces apart,
 * rows sorted by name), v2's `ps` (the docker CLI's tabwriter table) and v2's `ls`.
 */
import { displayPorts, statusText } from '../cli/commands/ps.ts';
import type { Engine } from '../engine.ts';
import type { ContainerRecord } from '../model/state.ts';
import { isRunning, settleContainers } from '../ops/containers.ts';
import { humanDuration, timeMs } from '../views/human-units.ts';

/** texttable's HEADER deco as Compose 1.29 draws it (no width limit without a terminal). */
function texttable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], center: boolean) =>
    cells
      .map((c, i) => {
        const fill = widths[i]! - c.length;
        if (!center) return c + ' '.repeat(fill);
        const left = Math.floor(fill / 2);
        return ' '.repeat(left) + c + ' '.repeat(fill - left);
      })
      .join('   ');
  const total = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  return [line(headers, true), '-'.repeat(total), ...rows.map((r) => line(r, false))].join('\n');
}

/** 1.29's `human_readable_ports`: bindings of one port joined by `,`, ports by `, `. */
function portsV1(c: ContainerRecord): string {
  if (!isRunning(c)) return '';
  return Object.keys(c.boundPorts)
    .sort()
    .map((port) => {
      const list = c.boundPorts[port]!;
      if (!list.length) return port;
      return list.map((b) => `${b.hostIp}:${b.hostPort}->${port}`).join(',');
    })
    .join(', ');
}

function stateV1(c: ContainerRecord): string {
  if (c.status === 'paused') return 'Paused';
  if (c.status === 'restarting') return 'Restarting';
  if (isRunning(c)) return 'Up';
  return `Exit ${c.exitCode}`;
}

export function psV1(containers: ContainerRecord[]): string {
  const rows = [...containers]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => [c.name, [...(c.entrypoint ?? []), ...(c.cmd ?? [])].join(' '), stateV1(c), portsV1(c)]);
  return `${texttable(['Name', 'Command', 'State', 'Ports'], rows)}\n`;
}

/** The docker CLI's tabwriter (minwidth `min`, padding 3), the last column unpadded. */
function tabwriter(rows: string[][], min: number): string {
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) =>
    Math.max(min, ...rows.map((r) => [...(r[i] ?? '')].length + 3)),
  );
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length)))
        .join('')
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join('');
}

function quoteCommand(c: ContainerRecord): string {
  const args = c.args.map((a) => (a.includes(' ') ? `'${a}'` : a));
  const cmd = args.length ? `${c.path} ${args.join(' ')}` : c.path;
  const chars = [...cmd];
  const short = chars.length > 20 ? `${chars.slice(0, 19).join('')}…` : cmd;
  return JSON.stringify(short);
}

export function psV2(engine: Engine, containers: ContainerRecord[]): string {
  const rows = [['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS']];
  const sorted = [...containers].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const c of sorted) {
    rows.push([
      c.name,
      c.imageRef,
      quoteCommand(c),
      c.labels['com.docker.compose.service'] ?? '',
      `${humanDuration(engine.nowMs() - timeMs(c.created))} ago`,
      statusText(engine, c),
      displayPorts(c),
    ]);
  }
  return tabwriter(rows, 10);
}

/** v2's `ls`: projects with their combined status (`running(2)`) and config files. */
export function composeLs(engine: Engine, opts: { all: boolean; quiet: boolean }): string {
  settleContainers(engine);
  const projects = new Map<string, ContainerRecord[]>();
  for (const c of engine.state.containers) {
    const p = c.labels['com.docker.compose.project'];
    if (p === undefined) continue;
    projects.set(p, [...(projects.get(p) ?? []), c]);
  }
  const rows = [['NAME', 'STATUS', 'CONFIG FILES']];
  const names: string[] = [];
  for (const name of [...projects.keys()].sort()) {
    const cs = projects.get(name)!;
    if (!opts.all && !cs.some(isRunning)) continue;
    const counts = new Map<string, number>();
    for (const c of cs) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
    const status = [...counts.keys()]
      .sort()
      .map((s) => `${s}(${counts.get(s)})`)
      .join(', ');
    names.push(name);
    rows.push([name, status, cs[0]!.labels['com.docker.compose.project.config_files'] ?? '']);
  }
  if (opts.quiet) return names.map((n) => `${n}\n`).join('');
  return tabwriter(rows, 20);
}
