/** `docker system info|df`. */
import type { LeafCommand } from '../command.ts';
import { registerCommand } from '../docker.ts';
import { tabwrite } from '../format/tabwriter.ts';
import { infoCommand } from './info.ts';

/** Go's `units.HumanSize`: decimal units, 3 significant digits. */
function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

const df: LeafCommand = {
  name: 'df',
  use: '[OPTIONS]',
  short: 'Show docker disk usage',
  args: { kind: 'none' },
  flags: [
    { name: 'format', type: 'string', help: 'Pretty-print images using a Go template' },
    { name: 'verbose', short: 'v', type: 'bool', help: 'Show detailed information on space usage' },
  ],
  run(ctx) {
    const { images, containers } = ctx.engine.state;
    const usedImages = new Set(containers.map((c) => c.imageId));
    const total = images.reduce((n, i) => n + i.size, 0);
    const reclaimable = images.filter((i) => !usedImages.has(i.id)).reduce((n, i) => n + i.size, 0);
    const pct = total > 0 ? ` (${Math.trunc((reclaimable * 100) / total)}%)` : '';
    const active = containers.filter((c) => c.status === 'running').length;
    const rows = [
      'TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE',
      `Images\t${images.length}\t${images.filter((i) => usedImages.has(i.id)).length}\t${humanSize(total)}\t${humanSize(reclaimable)}${pct}`,
      `Containers\t${containers.length}\t${active}\t0B\t0B`,
      'Local Volumes\t0\t0\t0B\t0B',
      'Build Cache\t0\t0\t0B\t0B',
    ];
    ctx.term.out(tabwrite(`${rows.join('\n')}\n`));
    return 0;
  },
};

registerCommand({
  name: 'system',
  short: 'Manage Docker',
  children: [df, { ...infoCommand }],
});
