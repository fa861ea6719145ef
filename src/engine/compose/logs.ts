/**
 * `logs` (and what an attached `up` shows): each container's log lines after a prefix.
 * - 1.29: `Attaching to ...`, then `db_1   | ...`: the name without the project, padded to the
 *   longest service name plus 3, coloured from its rainbow even without a terminal unless
 *   `--no-color` (its log printer ignores the terminal).
 * - v2: `myapp-db-1  | ...`, padded to the longest container name, no colour without a terminal.
 */
import type { ContainerRecord } from '../model/state.ts';
import type { ComposeStyle } from './errors.ts';

/** Compose 1.29's rainbow: cyan, yellow, green, magenta, blue, then their intense forms. */
const COLORS = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'];

export interface LogsOptions {
  color: boolean;
  /** 1.29's `Attaching to ...` line first. */
  attach: boolean;
  /** Every service of the project (1.29 pads to the longest). */
  serviceNames: string[];
  prefix?: boolean;
  timestamps?: boolean;
  tail?: string;
}

/** 1.29's `name_without_project`: `db_1`, or a custom container name as it is. */
function shortName(c: ContainerRecord): string {
  const project = c.labels['com.docker.compose.project'] ?? '';
  const svc = c.labels['com.docker.compose.service'] ?? '';
  const n = c.labels['com.docker.compose.container-number'] ?? '1';
  return c.name === `${project}_${svc}_${n}` ? `${svc}_${n}` : c.name;
}

export function logsOutput(containers: ContainerRecord[], style: ComposeStyle, opts: LogsOptions): string {
  let out = '';
  if (opts.attach && style === 'v1') {
    // Listed newest first, as the daemon lists them.
    out += `Attaching to ${[...containers]
      .reverse()
      .map((c) => c.name)
      .join(', ')}\n`;
  }
  const width =
    style === 'v1'
      ? Math.max(0, ...opts.serviceNames.map((n) => n.length)) + 3
      : Math.max(0, ...containers.map((c) => c.name.length));
  containers.forEach((c, i) => {
    const name = style === 'v1' ? shortName(c) : c.name;
    let prefix = '';
    if (opts.prefix !== false) {
      const label = `${name.padEnd(width)} |`;
      prefix =
        opts.color && style === 'v1' ? `\u001b[${COLORS[i % COLORS.length]}m${label}\u001b[0m ` : `${label} `;
    }
    let lines = c.logs;
    if (opts.tail !== undefined && opts.tail !== 'all') {
      const n = Number(opts.tail);
      if (Number.isFinite(n) && n >= 0) lines = n === 0 ? [] : lines.slice(-n);
    }
    for (const l of lines) {
      const text = l.text.endsWith('\n') ? l.text : `${l.text}\n`;
      out += `${prefix}${opts.timestamps ? `${l.time} ` : ''}${text}`;
    }
  });
  return out;
}
