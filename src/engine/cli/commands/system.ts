/** `docker system info|df`. */

import { dockerTemplateFuncs, parseTemplate, TemplateError } from '../../go/template.ts';
import { f, type GoValue, goPtr, goSlice, goStruct } from '../../go/values.ts';
import { diskUsage } from '../../ops/system.ts';
import { localVolumesUsage } from '../../ops/volumes.ts';
import { humanSize4 } from '../../views/human-units.ts';
import type { LeafCommand } from '../command.ts';
import { registerCommand } from '../docker.ts';
import { formatList, type ListFormat } from '../format/list-format.ts';
import { ExitError } from '../terminal.ts';
import { infoCommand } from './info.ts';

/** One row of `docker system df`: the CLI's per-kind context (`*formatter.diskUsageImagesContext`...). */
interface DfRow {
  context: string;
  type: string;
  total: number;
  active: number;
  size: number;
  reclaimable: number;
}

// The summary contexts print sizes with `units.HumanSize` (4 significant digits; recorded in 87).
/** `Reclaimable`: the size, with its share of the total when there is any. */
function reclaimableText(reclaimable: number, total: number): string {
  const size = humanSize4(reclaimable);
  return total > 0 ? `${size} (${Math.trunc((reclaimable * 100) / total)}%)` : size;
}

const dfFormat: ListFormat<DfRow> = {
  defaultFormat: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
  headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
  context: (row) =>
    goPtr(
      goStruct(`formatter.${row.context}`, [
        f('Type', row.type),
        f('TotalCount', String(row.total)),
        f('Active', String(row.active)),
        f('Size', humanSize4(row.size)),
        f(
          'Reclaimable',
          row.context === 'diskUsageImagesContext'
            ? reclaimableText(row.reclaimable, row.size)
            : humanSize4(row.reclaimable),
        ),
      ]),
    ),
};

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
    const du = diskUsage(ctx.engine);
    const format = ctx.flags.string('format');
    if (ctx.flags.bool('verbose') && format !== '') {
      // Verbose output runs the template once over the whole usage, and says so on failure.
      const whole: GoValue = goPtr(
        goStruct('formatter.diskUsageContext', [
          f('Images', goSlice([])),
          f('Containers', goSlice([])),
          f('Volumes', goSlice([])),
          f('BuildCache', goSlice([])),
        ]),
      );
      try {
        ctx.term.out(parseTemplate(format, dockerTemplateFuncs).execute(whole));
      } catch (e) {
        if (e instanceof TemplateError) throw new ExitError(1, e.message);
        throw e;
      }
      return 0;
    }
    const volumes = localVolumesUsage(ctx.engine);
    const usedImages = du.images.filter((i) => i.containers > 0);
    const running = du.containers.filter(
      ({ container }) => container.status === 'running' || container.status === 'paused',
    );
    const rows: DfRow[] = [
      {
        context: 'diskUsageImagesContext',
        type: 'Images',
        total: du.images.length,
        active: usedImages.length,
        size: du.layersSize,
        reclaimable: du.images.filter((i) => i.containers === 0).reduce((n, i) => n + i.image.size, 0),
      },
      {
        context: 'diskUsageContainersContext',
        type: 'Containers',
        total: du.containers.length,
        active: running.length,
        size: 0,
        reclaimable: 0,
      },
      {
        context: 'diskUsageVolumesContext',
        type: 'Local Volumes',
        total: volumes.length,
        active: volumes.filter((v) => v.refCount > 0).length,
        size: volumes.reduce((n, v) => n + v.size, 0),
        reclaimable: volumes.filter((v) => v.refCount === 0).reduce((n, v) => n + v.size, 0),
      },
      {
        context: 'diskUsageBuilderContext',
        type: 'Build Cache',
        total: 0,
        active: 0,
        size: 0,
        reclaimable: 0,
      },
    ];
    ctx.term.out(formatList(dfFormat, rows, format));
    return 0;
  },
};

registerCommand({
  name: 'system',
  short: 'Manage Docker',
  children: [df, { ...infoCommand }],
});
