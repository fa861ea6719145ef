/** `types.ImageSummary` (`GET /images/json`) and `image.HistoryResponseItem` (`/images/{name}/history`). */
import type { Engine } from '../engine.ts';
import type { ImageRecord } from '../model/state.ts';
import { imageCatalog } from '../ops/images.ts';
import { isImported } from './image-view.ts';

const unix = (rfc3339: string) => Math.floor(Date.parse(rfc3339) / 1000);

/** One image as the list shows it: Go leaves RepoDigests and RepoTags nil when the image has none. */
export function imageSummary(img: ImageRecord): Record<string, unknown> {
  const dangling = img.repoTags.length === 0 && img.repoDigests.length === 0;
  return {
    Containers: -1,
    Created: unix(img.created),
    Id: img.id,
    Labels: null,
    ParentId: img.parent,
    RepoDigests: dangling ? ['<none>@<none>'] : img.repoDigests.length ? img.repoDigests : null,
    RepoTags: dangling ? ['<none>:<none>'] : img.repoTags.length ? img.repoTags : null,
    SharedSize: -1,
    Size: img.size,
    VirtualSize: img.size,
  };
}

interface HistoryStep {
  created: number;
  by: string;
  size: number;
  comment: string;
}

/**
 * `image.HistoryResponseItem`s, newest first. Rows take the IDs (and tags) of the image and then
 * its ancestors, one per row, as long as they are local; the rest are `<missing>`.
 */
export function imageHistory(engine: Engine, img: ImageRecord): Array<Record<string, unknown>> {
  const chain: ImageRecord[] = [img];
  for (let cur = img; cur.parent; ) {
    const parent = engine.state.images.find((i) => i.id === cur.parent);
    if (!parent || chain.includes(parent)) break;
    chain.push(parent);
    cur = parent;
  }
  return historySteps(engine, img).map((s, i) => {
    const own = chain[i];
    return {
      Comment: s.comment,
      Created: s.created,
      CreatedBy: s.by,
      Id: own ? own.id : '<missing>',
      Size: s.size,
      Tags: own?.repoTags.length ? own.repoTags : null,
    };
  });
}

/** The steps of the catalog image a committed image was made from. */
function baseSteps(engine: Engine, img: ImageRecord): HistoryStep[] {
  const { commit: _, ...base } = img;
  return historySteps(engine, { ...base, parent: '' });
}

function historySteps(engine: Engine, img: ImageRecord): HistoryStep[] {
  const created = unix(img.created);
  if (img.commit) {
    // `docker commit`: one entry (the container's Cmd, the commit message) over the parent's.
    const parent = engine.state.images.find((i) => i.id === img.parent);
    return [
      {
        created,
        by: (img.commit.cmd ?? []).join(' '),
        size: img.size - (parent?.size ?? 0),
        comment: img.commit.comment,
      },
      // A loaded image has no parent here: the base image's steps come from its config.
      ...(parent ? historySteps(engine, parent) : img.parent ? [] : baseSteps(engine, img)),
    ];
  }
  // The sandbox's own alpine was made by `docker import`: one entry (recorded in 87).
  if (isImported(img)) return [{ created, by: '', size: img.size, comment: 'Imported from -' }];
  const cat = imageCatalog(img);
  const steps: Array<{ by: string; size: number }> = [];
  if (cat.cmd) steps.push({ by: `/bin/sh -c #(nop)  CMD ${JSON.stringify(cat.cmd)}`, size: 0 });
  if (cat.entrypoint)
    steps.push({ by: `/bin/sh -c #(nop)  ENTRYPOINT ${JSON.stringify(cat.entrypoint)}`, size: 0 });
  // Upper layers get a quarter of the size between them; the base layer the rest.
  const layers = cat.layers.length;
  const upper = layers > 1 ? Math.floor(img.size / 4 / (layers - 1)) : 0;
  for (let i = layers - 1; i >= 0; i--) {
    steps.push(
      i === 0
        ? {
            by: `/bin/sh -c #(nop) ADD file:${cat.layers[0]}${img.id.slice(19, 71)} in / `,
            size: img.size - upper * (layers - 1),
          }
        : { by: `/bin/sh -c set -eux; # layer ${i}`, size: upper },
    );
  }
  return steps.map((st) => ({ created, by: st.by, size: st.size, comment: '' }));
}
