/** `docker images|pull|tag|rmi` and the `docker image` group. */

import { EngineError } from '../../errors.ts';
import { goTimeString } from '../../go/fmt.ts';
import { f, type GoValue, goFunc, goStruct } from '../../go/values.ts';
import type { ImageRecord } from '../../model/state.ts';
import { getContainer } from '../../ops/containers.ts';
import {
  BadReference,
  commitContainer,
  findImage,
  getImage,
  listImages,
  parseReference,
  pruneImages,
  pullImage,
  referenceMatches,
  removeImage,
  tagImage,
} from '../../ops/images.ts';
import { humanDuration, humanSize, timeMs } from '../../views/human-units.ts';
import { imageHistory } from '../../views/image-summary.ts';
import { imageView } from '../../views/image-view.ts';
import type { CommandContext, GroupCommand, LeafCommand } from '../command.ts';
import { inspectObjects, parseFilters, printDaemonError, printNoSuchOrDaemonError } from '../common.ts';
import { registerCommand } from '../docker.ts';
import { filterFlag } from '../flags.ts';
import { formatList } from '../format/list-format.ts';

interface ImageRow {
  image: ImageRecord;
  repo: string;
  tag: string;
  digest: string;
}

function imageContext(ctx: CommandContext, row: ImageRow, trunc: boolean): GoValue {
  const id = trunc ? row.image.id.slice(7, 19) : row.image.id;
  const methods = {
    ID: goFunc(() => id),
    Repository: goFunc(() => row.repo),
    Tag: goFunc(() => row.tag),
    Digest: goFunc(() => row.digest || '<none>'),
    CreatedSince: goFunc(() => `${humanDuration(ctx.engine.nowMs() - timeMs(row.image.created))} ago`),
    CreatedAt: goFunc(() => goTimeString(row.image.created.replace(/\.\d+Z$/, 'Z'))),
    Size: goFunc(() => humanSize(row.image.size)),
    Containers: goFunc(() => 'N/A'),
    VirtualSize: goFunc(() => humanSize(row.image.size)),
    SharedSize: goFunc(() => 'N/A'),
    UniqueSize: goFunc(() => 'N/A'),
  };
  return goStruct('*formatter.imageContext', [f('trunc', trunc)], methods);
}

const images: LeafCommand = {
  name: 'images',
  use: '[OPTIONS] [REPOSITORY[:TAG]]',
  short: 'List images',
  args: { kind: 'max', n: 1 },
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Show all images (default hides intermediate images)' },
    { name: 'digests', type: 'bool', help: 'Show digests' },
    filterFlag('Filter output based on conditions provided', true),
    { name: 'format', type: 'string', help: 'Pretty-print images using a Go template' },
    { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
  ],
  run(ctx) {
    const filters = parseFilters(ctx, ctx.flags.list('filter'));
    if (!filters) return 1;
    if (ctx.args[0]) filters.reference = [...(filters.reference ?? []), ctx.args[0]];
    let list: ImageRecord[];
    try {
      list = listImages(ctx.engine, filters);
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    list = [...list].sort((a, b) => timeMs(b.created) - timeMs(a.created));
    const digests = ctx.flags.bool('digests');
    const rows: ImageRow[] = [];
    for (const img of list) {
      // With a reference filter the daemon lists only the tags that match it.
      const refs = filters.reference;
      const shown = refs?.length
        ? img.repoTags.filter((t) => refs.some((r) => referenceMatches(t, r)))
        : img.repoTags;
      const tags = shown.length ? shown : ['<none>:<none>'];
      for (const t of tags) {
        const i = t.lastIndexOf(':');
        const repo = t.slice(0, i);
        const digest = img.repoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '';
        rows.push({ image: img, repo, tag: t.slice(i + 1), digest });
      }
    }
    const trunc = !ctx.flags.bool('no-trunc');
    if (ctx.flags.bool('quiet')) {
      // One ID per row, as the table would have them: an image with three tags is listed three times.
      for (const r of rows) ctx.term.println(trunc ? r.image.id.slice(7, 19) : r.image.id);
      return 0;
    }
    const defaultFormat = digests
      ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
      : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    ctx.term.out(
      formatList(
        {
          defaultFormat,
          headers: {
            ID: 'IMAGE ID',
            Repository: 'REPOSITORY',
            Tag: 'TAG',
            Digest: 'DIGEST',
            CreatedSince: 'CREATED',
            CreatedAt: 'CREATED AT',
            Size: 'SIZE',
            Containers: 'CONTAINERS',
            VirtualSize: 'VIRTUAL SIZE',
            SharedSize: 'SHARED SIZE',
            UniqueSize: 'UNIQUE SIZE',
          },
          context: (r: ImageRow) => imageContext(ctx, r, trunc),
        },
        rows,
        ctx.flags.string('format'),
      ),
    );
    return 0;
  },
};

const pull: LeafCommand = {
  name: 'pull',
  use: '[OPTIONS] NAME[:TAG|@DIGEST]',
  short: 'Pull an image or a repository from a registry',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', help: 'Download all tagged images in the repository' },
    { name: 'disable-content-trust', type: 'bool', defaultText: 'true', help: 'Skip image verification' },
    { name: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress verbose output' },
  ],
  run(ctx) {
    const text = ctx.args[0]!;
    let ref: ReturnType<typeof parseReference>;
    try {
      ref = parseReference(text);
    } catch (e) {
      if (e instanceof BadReference) {
        ctx.term.eprintln(e.message);
        return 1;
      }
      throw e;
    }
    const hasTag = /:[^/]*$/.test(text.split('@')[0]!) || text.includes('@');
    if (!hasTag) ctx.term.println('Using default tag: latest');
    try {
      const res = pullImage(ctx.engine, ref);
      const quiet = ctx.flags.bool('quiet');
      if (!quiet) for (const l of res.lines) ctx.term.println(l);
      ctx.term.println(
        `docker.io/${ref.repo.includes('/') ? '' : 'library/'}${ref.repo}:${ref.tag || 'latest'}`,
      );
      return 0;
    } catch (e) {
      if (e instanceof EngineError) {
        ctx.term.eprintln(`Error response from daemon: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};

const tag: LeafCommand = {
  name: 'tag',
  use: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  args: { kind: 'exact', n: 2 },
  flags: [],
  run(ctx) {
    try {
      parseReference(ctx.args[1]!);
    } catch (e) {
      if (e instanceof BadReference) {
        ctx.term.eprintln(
          `Error parsing reference: "${ctx.args[1]}" is not a valid repository/tag: ${e.message}`,
        );
        return 1;
      }
      throw e;
    }
    try {
      tagImage(ctx.engine, ctx.args[0]!, ctx.args[1]!);
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

const rmi: LeafCommand = {
  name: 'rmi',
  use: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'force', short: 'f', type: 'bool', help: 'Force removal of the image' },
    { name: 'no-prune', type: 'bool', help: 'Do not delete untagged parents' },
  ],
  run(ctx) {
    let status = 0;
    for (const term of ctx.args) {
      try {
        for (const line of removeImage(ctx.engine, term, ctx.flags.bool('force'))) ctx.term.println(line);
      } catch (e) {
        printNoSuchOrDaemonError(ctx, e, 'image', term);
        status = 1;
      }
    }
    return status;
  },
};

const inspect: LeafCommand = {
  name: 'inspect',
  use: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Display detailed information on one or more images',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
  ],
  run(ctx) {
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (term) => {
      const img = findImage(ctx.engine, term);
      if (!img) return { notFound: `Error: No such image: ${term}` };
      return imageView(ctx.engine, img);
    });
  },
};

const prune: LeafCommand = {
  name: 'prune',
  use: '[OPTIONS]',
  short: 'Remove unused images',
  args: { kind: 'none' },
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Remove all unused images, not just dangling ones' },
    filterFlag("Provide filter values (e.g. 'until=<timestamp>')"),
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  run(ctx) {
    const all = ctx.flags.bool('all');
    if (!ctx.flags.bool('force')) {
      ctx.term.out(
        all
          ? 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] '
          : 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ',
      );
      return 0;
    }
    const res = pruneImages(ctx.engine, all);
    if (res.deleted.length) ctx.term.println(`Deleted Images:\n${res.deleted.join('\n')}\n`);
    ctx.term.println(`Total reclaimed space: ${humanSize(res.reclaimed)}`);
    return 0;
  },
};

/**
 * The CLI's `formatter.Ellipsis`: cut to `max - 1` display columns plus `…` (the sandbox's texts
 * are single-width).
 */
function ellipsis(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

type HistoryRow = ReturnType<typeof imageHistory>[number];

/** `formatter.historyContext`: the row as templates see it. */
function historyContext(ctx: CommandContext, row: HistoryRow, trunc: boolean, human: boolean): GoValue {
  const id = String(row.Id);
  const created = Number(row.Created) * 1000;
  // `time.Unix(created, 0).Format(time.RFC3339)` in the CLI's zone (UTC here).
  const rfc3339 = () => new Date(created).toISOString().replace(/\.\d+Z$/, 'Z');
  const methods = {
    ID: goFunc(() => (trunc && id.startsWith('sha256:') ? id.slice(7, 19) : id)),
    CreatedSince: goFunc(() => (human ? `${humanDuration(ctx.engine.nowMs() - created)} ago` : rfc3339())),
    CreatedAt: goFunc(rfc3339),
    CreatedBy: goFunc(() => {
      const by = String(row.CreatedBy).replaceAll('\t', ' ');
      return trunc ? ellipsis(by, 45) : by;
    }),
    Size: goFunc(() => (human ? humanSize(Number(row.Size)) : String(row.Size))),
    Comment: goFunc(() => String(row.Comment)),
  };
  return goStruct('*formatter.historyContext', [f('trunc', trunc), f('human', human)], methods);
}

const history: LeafCommand = {
  name: 'history',
  use: '[OPTIONS] IMAGE',
  short: 'Show the history of an image',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'format', type: 'string', help: 'Pretty-print images using a Go template' },
    {
      name: 'human',
      short: 'H',
      type: 'bool',
      defaultText: 'true',
      help: 'Print sizes and dates in human readable format',
    },
    { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
  ],
  run(ctx) {
    let rows: HistoryRow[];
    try {
      rows = imageHistory(ctx.engine, getImage(ctx.engine, ctx.args[0]!));
    } catch (e) {
      return printDaemonError(ctx, e);
    }
    const trunc = !ctx.flags.bool('no-trunc');
    const human = ctx.flags.has('human') ? ctx.flags.bool('human') : true;
    const format = ctx.flags.string('format');
    ctx.term.out(
      formatList(
        {
          // `NewHistoryFormat`: quiet is the bare `{{.ID}}`, no header.
          defaultFormat: ctx.flags.bool('quiet')
            ? '{{.ID}}'
            : `table {{.ID}}\t{{.${human ? 'CreatedSince' : 'CreatedAt'}}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}`,
          headers: {
            ID: 'IMAGE',
            CreatedSince: 'CREATED',
            CreatedAt: 'CREATED AT',
            CreatedBy: 'CREATED BY',
            Size: 'SIZE',
            Comment: 'COMMENT',
          },
          context: (r: HistoryRow) => historyContext(ctx, r, trunc, human),
        },
        rows,
        format,
      ),
    );
    return 0;
  },
};

/**
 * `--change` instructions the simulator applies to a committed image's config (what the daemon's
 * Dockerfile parser accepts here: CMD, ENTRYPOINT, ENV, WORKDIR). Returns an error text.
 */
function applyChanges(commit: NonNullable<ImageRecord['commit']>, changes: string[]): string | null {
  for (const change of changes) {
    const m = /^\s*(\w+)\s+(.*)$/s.exec(change);
    const instr = m?.[1]?.toUpperCase() ?? change.trim().toUpperCase();
    const rest = m?.[2]?.trim() ?? '';
    const words = (): string[] => {
      if (rest.startsWith('[')) {
        try {
          const v = JSON.parse(rest) as unknown;
          if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
        } catch {}
      }
      return ['/bin/sh', '-c', rest];
    };
    if (instr === 'CMD') commit.cmd = words();
    else if (instr === 'ENTRYPOINT') commit.entrypoint = words();
    else if (instr === 'WORKDIR') commit.workingDir = rest;
    else if (instr === 'ENV') {
      const eq = rest.indexOf('=');
      const sp = rest.search(/\s/);
      const [k, v] =
        eq > 0 && (sp < 0 || eq < sp)
          ? [rest.slice(0, eq), rest.slice(eq + 1)]
          : [rest.slice(0, sp), rest.slice(sp + 1).trim()];
      commit.env = [...(commit.env ?? []).filter((e) => !e.startsWith(`${k}=`)), `${k}=${v}`];
    } else return `${instr.toLowerCase()} is not available in this sandbox`;
  }
  return null;
}

/** `docker commit`: `POST /commit` with the reference split as the client splits it. */
const commit: LeafCommand = {
  name: 'commit',
  use: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  short: "Create a new image from a container's changes",
  args: { kind: 'range', min: 1, max: 2 },
  flags: [
    {
      name: 'author',
      short: 'a',
      type: 'string',
      help: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")',
    },
    { name: 'change', short: 'c', type: 'list', help: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', type: 'string', help: 'Commit message' },
    { name: 'pause', short: 'p', type: 'bool', defaultText: 'true', help: 'Pause container during commit' },
  ],
  run(ctx) {
    let repo = '';
    let tagName = '';
    const given = ctx.args[1] ?? '';
    if (given !== '') {
      try {
        const ref = parseReference(given);
        if (ref.digest) {
          ctx.term.eprintln('refusing to create a tag with a digest reference');
          return 1;
        }
        repo = ref.repo;
        tagName = ref.tag || 'latest';
      } catch (e) {
        if (e instanceof BadReference) {
          ctx.term.eprintln(e.message);
          return 1;
        }
        throw e;
      }
    }
    try {
      const c = getContainer(ctx.engine, ctx.args[0]!);
      const image = commitContainer(ctx.engine, c, {
        repo,
        tag: tagName,
        comment: ctx.flags.string('message'),
        author: ctx.flags.string('author'),
      });
      if (image.commit) {
        const err = applyChanges(image.commit, ctx.flags.list('change'));
        if (err) {
          ctx.term.eprintln(`Error response from daemon: ${err}`);
          return 1;
        }
      }
      ctx.term.println(image.id);
      return 0;
    } catch (e) {
      return printDaemonError(ctx, e);
    }
  },
};

export const imageGroup: GroupCommand = {
  name: 'image',
  short: 'Manage images',
  children: [
    { ...inspect },
    { ...history },
    { ...images, name: 'ls', aliases: ['images', 'list'], args: { kind: 'max', n: 1 } },
    { ...prune },
    { ...pull },
    { ...rmi, name: 'rm', aliases: ['rmi', 'remove'] },
    { ...tag },
  ],
};

registerCommand(imageGroup);
for (const cmd of [commit, history, images, pull, tag, rmi]) registerCommand(cmd);
