/** `types.ImageInspect` as `GET /images/{name}/json` returns it, and `types.ImageSummary`. */
import type { Engine } from '../engine.ts';
import { f, type GoValue, goMap, goPtr, goSlice, goStringMap, goStruct } from '../go/values.ts';
import type { ImageRecord } from '../model/state.ts';
import { imageCatalog } from '../ops/images.ts';

/** The zero `container.Config`: what `docker import` leaves as an image's ContainerConfig. */
function emptyConfig(): GoValue {
  return goPtr(
    goStruct('container.Config', [
      f('Hostname', ''),
      f('Domainname', ''),
      f('User', ''),
      f('AttachStdin', false),
      f('AttachStdout', false),
      f('AttachStderr', false),
      f('ExposedPorts', goMap(null), { omitempty: true }),
      f('Tty', false),
      f('OpenStdin', false),
      f('StdinOnce', false),
      f('Env', goSlice([], true)),
      f('Cmd', goSlice([], true)),
      f('Image', ''),
      f('Volumes', goMap(null)),
      f('WorkingDir', ''),
      f('Entrypoint', goSlice([], true)),
      f('OnBuild', goSlice([], true)),
      f('Labels', goStringMap(null)),
    ]),
  );
}

/**
 * The sandbox's own alpine (no build time in the catalog) was made by `docker import` from the
 * course's busybox userland, so it carries import's comment and an empty ContainerConfig.
 */
export function isImported(img: ImageRecord): boolean {
  return !img.commit && imageCatalog(img).created === null;
}

function imageConfig(img: ImageRecord, forContainer: boolean): GoValue {
  if (forContainer && isImported(img)) return emptyConfig();
  const cat = imageCatalog(img);
  const exposed: Record<string, GoValue> = {};
  for (const p of cat.exposedPorts) exposed[p] = goStruct('struct {}', []);
  return goPtr(
    goStruct('container.Config', [
      f('Hostname', forContainer ? '' : ''),
      f('Domainname', ''),
      f('User', ''),
      f('AttachStdin', false),
      f('AttachStdout', false),
      f('AttachStderr', false),
      f('ExposedPorts', goMap(exposed), { omitempty: true }),
      f('Tty', false),
      f('OpenStdin', false),
      f('StdinOnce', false),
      f('Env', cat.env ? goSlice(cat.env) : goSlice([], true)),
      f('Cmd', cat.cmd ? goSlice(cat.cmd) : goSlice([], true)),
      f('Image', ''),
      f('Volumes', goMap(null)),
      f('WorkingDir', cat.workingDir),
      f('Entrypoint', cat.entrypoint ? goSlice(cat.entrypoint) : goSlice([], true)),
      f('OnBuild', goSlice([], true)),
      f('Labels', goStringMap(null)),
    ]),
  );
}

/** Layer diff IDs: the catalog image's, then each commit's own. */
export function imageLayers(img: ImageRecord): string[] {
  const cat = imageCatalog(img);
  const base = cat.layers.map((l) => `sha256:${l}${cat.id.slice(19, 71)}`);
  return img.commit ? [...base, `sha256:${img.commit.layer}`] : base;
}

export function imageView(engine: Engine, img: ImageRecord): GoValue {
  void engine;
  return goStruct('types.ImageInspect', [
    f('ID', img.id, { json: 'Id' }),
    f('RepoTags', goSlice(img.repoTags)),
    f('RepoDigests', goSlice(img.repoDigests)),
    f('Parent', img.parent),
    f('Comment', img.commit ? img.commit.comment : isImported(img) ? 'Imported from -' : ''),
    f('Created', img.created),
    f('Container', img.commit?.container ?? ''),
    f('ContainerConfig', imageConfig(img, true)),
    f('DockerVersion', '20.10.24+dfsg1'),
    f('Author', ''),
    f('Config', imageConfig(img, false)),
    f('Architecture', 'amd64'),
    f('Os', 'linux'),
    f('Size', img.size),
    f('VirtualSize', img.size),
    f('GraphDriver', goStruct('types.GraphDriverData', [f('Data', goStringMap(null)), f('Name', 'vfs')])),
    f('RootFS', goStruct('types.RootFS', [f('Type', 'layers'), f('Layers', goSlice(imageLayers(img)))])),
    f('Metadata', goStruct('types.ImageMetadata', [f('LastTagTime', '0001-01-01T00:00:00Z')])),
  ]);
}
