/**
 * `docker secret create|ls|inspect|rm` and `docker config create|ls|inspect|rm` on the sandbox's
 * swarm. Their flags and usage come from the recorded CLI (`implementRecorded`); what they do is
 * docker/cli 20.10's `cli/command/secret` and `cli/command/config`.
 */
import { resolvePath } from '../../compose/host-files.ts';
import { EngineError } from '../../errors.ts';
import { type GoValue, goFunc } from '../../go/values.ts';
import { hostFiles } from '../../host-programs/host-fs.ts';
import type { SwarmObjectRecord } from '../../model/state.ts';
import {
  findSwarmObject,
  type SwarmObjectKind,
  swarmObjectCreate,
  swarmObjectList,
  swarmObjectRemove,
} from '../../ops/secrets.ts';
import { swarmNowMs } from '../../ops/service-tasks.ts';
import { swarmObjectView } from '../../views/secret-view.ts';
import { type CommandContext, implementRecorded } from '../command.ts';
import { inspectObjects, parseFilters, printDaemonError } from '../common.ts';
import { formatList } from '../format/list-format.ts';
import { naturalLess } from '../format/natural-sort.ts';
import { Terminal } from '../terminal.ts';
import { humanDuration, labelFlagError, listContext } from './service.ts';

/** opts.ConvertKVStringsToMap: `k=v`, a bare `k` maps to "". */
function labelMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) out[v] = '';
    else out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** The content of `file` (`-`: what was piped in) as the CLI reads it, or the CLI's error text. */
function readContent(ctx: CommandContext, file: string): Buffer | { error: string } {
  if (file === '-') return Buffer.from(ctx.stdin ?? '', 'latin1');
  const path = resolvePath('/', file);
  if (path === '/dev/null') return Buffer.alloc(0);
  const files = hostFiles(ctx.engine);
  if (files.isDir(path)) return { error: `read ${file}: is a directory` };
  const text = files.read(path);
  if (text === null) return { error: `open ${file}: no such file or directory` };
  return Buffer.from(text, 'latin1');
}

const createSecret = (ctx: CommandContext): number => {
  const labelError = labelFlagError(ctx, 'label', '-l, --label');
  if (labelError) {
    ctx.term.eprintln(labelError);
    return 125;
  }
  const [name, file = ''] = ctx.args as [string, string?];
  const driver = ctx.flags.string('driver');
  if (driver !== '' && file !== '') {
    ctx.term.eprintln('When using secret driver secret data must be empty');
    return 1;
  }
  let data: Buffer = Buffer.alloc(0);
  if (file !== '') {
    const read = readContent(ctx, file);
    if (!Buffer.isBuffer(read)) {
      ctx.term.eprintln(`Error reading content from "${file}": ${read.error}`);
      return 1;
    }
    data = read;
  }
  return create(ctx, 'secret', name, data, driver);
};

const createConfig = (ctx: CommandContext): number => {
  const labelError = labelFlagError(ctx, 'label', '-l, --label');
  if (labelError) {
    ctx.term.eprintln(labelError);
    return 125;
  }
  const [name, file] = ctx.args as [string, string];
  const read = readContent(ctx, file);
  if (!Buffer.isBuffer(read)) {
    ctx.term.eprintln(read.error);
    return 1;
  }
  return create(ctx, 'config', name, read, '');
};

function create(ctx: CommandContext, kind: SwarmObjectKind, name: string, data: Buffer, driver: string) {
  const templating = ctx.flags.string('template-driver');
  try {
    const id = swarmObjectCreate(ctx.engine, kind, {
      Name: name,
      Labels: labelMap(ctx.flags.list('label')),
      Data: data.toString('base64'),
      ...(driver ? { Driver: { Name: driver } } : {}),
      ...(templating ? { Templating: { Name: templating } } : {}),
    });
    ctx.term.println(id);
    return 0;
  } catch (e) {
    return printDaemonError(ctx, e);
  }
}

/** The list formatters (`secretContext`, `configContext`). */
function listFormat(kind: SwarmObjectKind, nowMs: number) {
  const ago = (rfc3339: string) => `${humanDuration(Math.max(0, nowMs - Date.parse(rfc3339)))} ago`;
  const headers: Record<string, string> = {
    ID: 'ID',
    Name: 'NAME',
    CreatedAt: 'CREATED',
    UpdatedAt: 'UPDATED',
    Labels: 'LABELS',
  };
  if (kind === 'secret') headers.Driver = 'DRIVER';
  return {
    defaultFormat:
      kind === 'secret'
        ? 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}'
        : 'table {{.ID}}\t{{.Name}}\t{{.CreatedAt}}\t{{.UpdatedAt}}',
    headers,
    context: (o: SwarmObjectRecord): GoValue =>
      listContext(`*${kind}.${kind}Context`, {
        ID: goFunc(() => o.id),
        Name: goFunc(() => o.name),
        ...(kind === 'secret' ? { Driver: goFunc(() => '') } : {}),
        CreatedAt: goFunc(() => ago(o.created)),
        UpdatedAt: goFunc(() => ago(o.updated)),
        Labels: goFunc(() =>
          Object.entries(o.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        ),
        Label: goFunc((name) => o.labels[String(name)] ?? ''),
      }),
  };
}

const list = (kind: SwarmObjectKind) => (ctx: CommandContext) => {
  const filters = parseFilters(ctx, ctx.flags.list('filter'));
  if (!filters) return 1;
  try {
    const objects = [...swarmObjectList(ctx.engine, kind, filters)].sort((a, b) =>
      naturalLess(a.name, b.name) ? -1 : naturalLess(b.name, a.name) ? 1 : 0,
    );
    const format = ctx.flags.string('format');
    const quiet = ctx.flags.bool('quiet');
    const shown = quiet && (format === '' || format === 'table') ? '{{.ID}}' : format;
    ctx.term.out(formatList(listFormat(kind, nowMs(ctx)), objects, shown));
    return 0;
  } catch (e) {
    return printDaemonError(ctx, e);
  }
};

/** The CLI's clock against the swarm's records. */
const nowMs = (ctx: CommandContext) => swarmNowMs(ctx.engine);

/** The `--pretty` templates (`secretInspectPrettyTemplate`, `configInspectPrettyTemplate`). */
function pretty(kind: SwarmObjectKind, o: SwarmObjectRecord): string {
  const labels = Object.keys(o.labels).sort();
  const lines =
    kind === 'secret'
      ? [`ID:              ${o.id}`, `Name:              ${o.name}`]
      : [`ID:\t\t\t${o.id}`, `Name:\t\t\t${o.name}`];
  if (labels.length) {
    lines.push('Labels:');
    for (const k of labels) lines.push(` - ${k}${o.labels[k] ? `=${o.labels[k]}` : ''}`);
  }
  const when = (t: string) => prettyTime(t);
  if (kind === 'secret') {
    lines.push(
      'Driver:            ',
      `Created at:        ${when(o.created)}`,
      `Updated at:        ${when(o.updated)}`,
    );
  } else {
    lines.push(
      `Created at:            \t${when(o.created)}`,
      `Updated at:            \t${when(o.updated)}`,
      'Data:',
      Buffer.from(o.data, 'base64').toString('latin1'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `command.PrettyPrint` of a time: Go's `time.Time.String()` (UTC here), first letter upper case
 * and the rest lower (`+0000 utc`).
 */
function prettyTime(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac === '.' ? '' : frac} +0000 utc`;
}

const inspect = (kind: SwarmObjectKind) => (ctx: CommandContext) => {
  const format = ctx.flags.bool('pretty') ? 'pretty' : ctx.flags.string('format');
  if (format.startsWith('pretty') && format !== 'pretty') {
    ctx.term.eprintln('Cannot supply extra formatting options to the pretty template');
    return 1;
  }
  // The inspector's errors come back wrapped in a StatusError, whose text the CLI prints.
  const fail = (status: string, code: number) => {
    ctx.term.eprintln(`Status: ${status}, Code: ${code}`);
    return 1;
  };
  const lookup = (term: string) => {
    try {
      return findSwarmObject(ctx.engine, kind, term);
    } catch (e) {
      if (e instanceof EngineError && e.status === 404)
        return { notFound: `Error: No such ${kind}: ${term}` };
      throw e;
    }
  };
  if (format === 'pretty') {
    // Nothing is printed when one of them fails: the formatter writes its buffer at the end.
    const blocks: string[] = [];
    for (const term of ctx.args) {
      let found: ReturnType<typeof lookup>;
      try {
        found = lookup(term);
      } catch (e) {
        if (e instanceof EngineError) {
          ctx.term.eprintln(`Error response from daemon: ${e.message}`);
          return 1;
        }
        throw e;
      }
      // The formatter's own error, not the inspector's: the CLI prints it as it is.
      if ('notFound' in found) {
        ctx.term.eprintln(found.notFound);
        return 1;
      }
      blocks.push(pretty(kind, found));
    }
    ctx.term.out(blocks.join(''));
    return 0;
  }
  const sub = new Terminal();
  const code = inspectObjects({ ...ctx, term: sub }, ctx.args, format, (term) => {
    const found = lookup(term);
    return 'notFound' in found ? found : swarmObjectView(kind, found, { json: format === '' });
  });
  ctx.term.out(sub.stdout);
  if (code === 0) return 0;
  return fail(sub.stderr.replace(/\n$/, ''), code);
};

const remove = (kind: SwarmObjectKind) => (ctx: CommandContext) => {
  const errors: string[] = [];
  for (const term of ctx.args) {
    try {
      swarmObjectRemove(ctx.engine, kind, term);
      ctx.term.println(term);
    } catch (e) {
      if (e instanceof EngineError && e.status === 404) errors.push(`Error: No such ${kind}: ${term}`);
      else if (e instanceof EngineError) errors.push(`Error response from daemon: ${e.message}`);
      else throw e;
    }
  }
  if (errors.length) {
    ctx.term.eprintln(errors.join('\n'));
    return 1;
  }
  return 0;
};

implementRecorded('docker secret create', createSecret);
implementRecorded('docker config create', createConfig);
for (const kind of ['secret', 'config'] as const) {
  implementRecorded(`docker ${kind} ls`, list(kind));
  implementRecorded(`docker ${kind} inspect`, inspect(kind));
  implementRecorded(`docker ${kind} rm`, remove(kind));
}
