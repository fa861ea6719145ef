/** `types.ImageSummary` (`GET /images/json`) and `image.HistoryResponseItem` (`/images/{name}/history`). */
import type { ImageRecord } from '../model/state.ts';
import { imageCatalog } from '../ops/images.ts';

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

/** The image's layers, newest first: the CMD step (no layer), then one ADD or RUN per layer. */
export function imageHistory(img: ImageRecord): Array<Record<string, unknown>> {
  const cat = imageCatalog(img);
  const created = unix(img.created);
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
  return steps.map((s, i) => ({
    Comment: '',
    Created: created,
    CreatedBy: s.by,
    Id: i === 0 ? img.id : '<missing>',
    Size: s.size,
    Tags: i === 0 && img.repoTags.length ? img.repoTags : null,
  }));
}
