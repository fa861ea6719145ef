/**
 * Images as tar files: `GET /images/{name}/get` and `/images/get?names=` (`docker save`), and
 * `POST /images/load` (`docker load`), as Docker 20.10's `image/tarexport` writes and reads them:
 * `manifest.json`, `repositories`, the image config as `<ID>.json` and one `<v1 ID>/` directory
 * per layer (`VERSION`, `json`, `layer.tar`). The catalog's base layers travel empty; the layer a
 * `docker commit` added carries the files the container wrote, so a loaded image has them again.
 * (The tar codec is the API's, `api/tar.ts`: plain ustar.)
 */
import { createHash } from 'node:crypto';
import { readTar, type TarEntry, tarArchive } from '../api/tar.ts';
import type { Engine } from '../engine.ts';
import { notFound, serverError } from '../errors.ts';
import { marshal } from '../go/json.ts';
import { CATALOG, type CatalogImage } from '../images/catalog.ts';
import type { CommitRecord, ImageRecord } from '../model/state.ts';
import { imageHistory } from '../views/image-summary.ts';
import { imageLayers, imageView, isImported } from '../views/image-view.ts';
import { logImageEvent } from './events.ts';
import { BadReference, familiar, findImage, localImages, parseReference, tagImage } from './images.ts';

interface Descriptor {
  image: ImageRecord;
  /** The `name:tag` references saved with it (`RepoTags`), in the order the names gave them. */
  refs: string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `tarexporter.parseNames`: a full ID or `sha256:` digest names the image alone; a repository
 * name without a tag saves all its tags; `name:tag` that one tag. Errors as the daemon's.
 */
function parseNames(engine: Engine, names: string[]): Descriptor[] {
  const out: Descriptor[] = [];
  const add = (image: ImageRecord, ref?: string) => {
    let d = out.find((x) => x.image === image);
    if (!d) {
      d = { image, refs: [] };
      out.push(d);
    }
    if (ref && !d.refs.includes(ref)) d.refs.push(ref);
  };
  for (const name of names) {
    const bare = name.startsWith('sha256:') ? name.slice(7) : name;
    if (/^[a-f0-9]{64}$/.test(bare)) {
      const img = localImages(engine).find((i) => i.id === `sha256:${bare}`);
      if (!img) throw notFound(`No such image: sha256:${bare}`);
      add(img);
      continue;
    }
    let ref: ReturnType<typeof parseReference>;
    try {
      ref = parseReference(name);
    } catch (e) {
      if (e instanceof BadReference) throw serverError(e.message);
      throw e;
    }
    const nameOnly = !/:[^/]*$/.test(name.split('@')[0]!) && !name.includes('@');
    if (nameOnly) {
      const tagged = localImages(engine).flatMap((img) =>
        img.repoTags.filter((t) => t.slice(0, t.lastIndexOf(':')) === ref.repo).map((t) => ({ img, t })),
      );
      for (const { img, t } of tagged.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0))) add(img, t);
      if (tagged.length === 0) {
        // `is.Search`: an ID prefix, else the store's "No such image".
        const byPrefix = /^[a-f0-9]+$/.test(name)
          ? localImages(engine).filter((i) => i.id.slice(7).startsWith(name))
          : [];
        if (byPrefix.length !== 1) throw notFound(`No such image: ${name}`);
        add(byPrefix[0]!);
      }
      continue;
    }
    if (ref.digest) {
      const img = localImages(engine).find((i) => i.repoDigests.includes(`${ref.repo}@${ref.digest}`));
      if (!img) throw notFound('reference does not exist');
      add(img);
      continue;
    }
    const full = familiar(ref);
    const img = localImages(engine).find((i) => i.repoTags.includes(full));
    if (!img) throw notFound('reference does not exist');
    add(img, full);
  }
  return out;
}

/** The config's `config` or `container_config` (`container.Config`) as the image view has it. */
function configOf(engine: Engine, img: ImageRecord): { config: unknown; containerConfig: unknown } {
  const view = JSON.parse(marshal(imageView(engine, img))) as Record<string, unknown>;
  return { config: view.Config, containerConfig: view.ContainerConfig };
}

/** `<ID>.json`: the image config (`image.Image`), keys in the order the stored config has them. */
function imageConfig(engine: Engine, img: ImageRecord): string {
  const { config, containerConfig } = configOf(engine, img);
  const history = imageHistory(engine, img)
    .slice()
    .reverse()
    .map((h) => {
      const created = new Date(Number(h.Created) * 1000).toISOString().replace('.000Z', 'Z');
      return {
        created,
        ...(h.CreatedBy ? { created_by: h.CreatedBy } : {}),
        ...(h.Comment ? { comment: h.Comment } : {}),
        ...(h.Size === 0 && h.CreatedBy ? { empty_layer: true } : {}),
      };
    });
  const comment = img.commit ? img.commit.comment : isImported(img) ? 'Imported from -' : '';
  return JSON.stringify({
    architecture: 'amd64',
    ...(img.commit?.author ? { author: img.commit.author } : {}),
    ...(comment ? { comment } : {}),
    config,
    ...(img.commit ? { container: img.commit.container } : {}),
    container_config: containerConfig,
    created: img.created,
    docker_version: '20.10.24+dfsg1',
    history,
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: imageLayers(img) },
  });
}

/** The files a committed layer holds, as tar entries (parent directories first). */
function layerEntries(commit: CommitRecord | undefined, mtime: number): TarEntry[] {
  if (!commit) return [];
  const entries = new Map<string, TarEntry>();
  for (const [path, content] of Object.entries(commit.files)) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      entries.set(dir, { name: dir, mode: 0o755, mtime });
    }
    if (path.endsWith('/')) {
      const dir = `${parts.join('/')}/`;
      entries.set(dir, { name: dir, mode: 0o755, mtime });
    } else {
      const name = parts.join('/');
      entries.set(name, { name, content: Buffer.from(content), mode: 0o644, mtime });
    }
  }
  return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `docker save`: the tar of the images `names` name, or the daemon's error before any byte. */
export function saveImages(engine: Engine, names: string[]): Buffer {
  const descriptors = parseNames(engine, names);
  const files: TarEntry[] = [];
  const manifest: unknown[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, refs } of descriptors) {
    const mtime = Math.floor(Date.parse(image.created) / 1000) || 0;
    const config = imageConfig(engine, image);
    const diffIds = imageLayers(image);
    const layers: string[] = [];
    let parent = '';
    diffIds.forEach((diffId, i) => {
      const last = i === diffIds.length - 1;
      const v1Id = sha256(`${image.id}\n${diffIds.slice(0, i + 1).join('\n')}\n${parent}`);
      const v1: Record<string, unknown> = { id: v1Id, ...(parent ? { parent } : {}) };
      if (last) {
        const { config: cfg, containerConfig } = configOf(engine, image);
        const comment = image.commit ? image.commit.comment : isImported(image) ? 'Imported from -' : '';
        Object.assign(v1, {
          ...(comment ? { comment } : {}),
          created: image.created,
          ...(image.commit ? { container: image.commit.container } : {}),
          container_config: containerConfig,
          docker_version: '20.10.24+dfsg1',
          config: cfg,
          architecture: 'amd64',
          os: 'linux',
        });
      } else {
        Object.assign(v1, {
          created: '1970-01-01T00:00:00Z',
          container_config: configOf(engine, image).containerConfig,
          os: 'linux',
        });
      }
      const own =
        last && image.commit && diffId === `sha256:${image.commit.layer}` ? image.commit : undefined;
      files.push(
        { name: `${v1Id}/`, mode: 0o755, mtime },
        { name: `${v1Id}/VERSION`, content: Buffer.from('1.0'), mode: 0o644, mtime },
        { name: `${v1Id}/json`, content: Buffer.from(JSON.stringify(v1)), mode: 0o644, mtime },
        { name: `${v1Id}/layer.tar`, content: tarArchive(layerEntries(own, mtime)), mode: 0o644, mtime },
      );
      layers.push(`${v1Id}/layer.tar`);
      parent = v1Id;
    });
    files.push({ name: `${image.id.slice(7)}.json`, content: Buffer.from(config), mode: 0o644, mtime });
    for (const ref of refs) {
      const colon = ref.lastIndexOf(':');
      repositories[ref.slice(0, colon)] ??= {};
      repositories[ref.slice(0, colon)]![ref.slice(colon + 1)] = parent;
    }
    manifest.push({
      Config: `${image.id.slice(7)}.json`,
      RepoTags: refs.length ? refs : null,
      Layers: layers,
    });
  }
  // A walk of the export directory: every path in lexical order; the two index files dated 1970.
  files.push({
    name: 'manifest.json',
    content: Buffer.from(`${JSON.stringify(manifest.length ? manifest : null)}\n`),
    mode: 0o644,
    mtime: 0,
  });
  if (Object.keys(repositories).length) {
    const sorted = Object.fromEntries(
      Object.keys(repositories)
        .sort()
        .map((k) => [k, repositories[k]]),
    );
    files.push({
      name: 'repositories',
      content: Buffer.from(`${JSON.stringify(sorted)}\n`),
      mode: 0o644,
      mtime: 0,
    });
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { image } of descriptors) logImageEvent(engine, image.id, image.id, 'save');
  return tarArchive(files);
}

/** A load's failure: the message the daemon puts in the stream (the CLI prints it as it is). */
export class LoadError extends Error {}

/** The catalog image whose base layers `diffIds` start with, and how many layers that is. */
function catalogByLayers(diffIds: string[]): { cat: CatalogImage; base: number } | null {
  for (const cat of CATALOG) {
    const base = cat.layers.map((l) => `sha256:${l}${cat.id.slice(19, 71)}`);
    if (base.length <= diffIds.length && base.every((d, i) => diffIds[i] === d)) {
      return { cat, base: base.length };
    }
  }
  return null;
}

interface ManifestItem {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

/** The image a manifest item describes, made or found in the local store. */
function loadImage(engine: Engine, byName: Map<string, TarEntry>, m: ManifestItem, tmp: string): ImageRecord {
  const configName = m.Config ?? '';
  const configFile = byName.get(configName);
  if (!configFile?.content) throw new LoadError(`open ${tmp}/${configName}: no such file or directory`);
  const text = configFile.content.toString('utf8');
  let config: {
    comment?: string;
    author?: string;
    container?: string;
    created?: string;
    config?: {
      Cmd?: string[] | null;
      Entrypoint?: string[] | null;
      Env?: string[] | null;
      WorkingDir?: string;
    };
    rootfs?: { diff_ids?: string[] };
  };
  try {
    config = JSON.parse(text);
  } catch {
    throw new LoadError('invalid character in image config');
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers = m.Layers ?? [];
  if (layers.length !== diffIds.length) {
    throw new LoadError(
      `invalid manifest, layers length mismatch: expected ${layers.length}, got ${diffIds.length}`,
    );
  }
  const hex = /^([a-f0-9]{64})\.json$/.exec(configName)?.[1] ?? sha256(text);
  const id = `sha256:${hex}`;
  const existing = localImages(engine).find((i) => i.id === id);
  if (existing) return existing;
  const known = CATALOG.find((c) => c.id === id);
  const found = known ? { cat: known, base: known.layers.length } : catalogByLayers(diffIds);
  const cat = found?.cat ?? CATALOG[0]!;
  const base = found?.base ?? 0;
  const image: ImageRecord = {
    id,
    repoTags: [],
    repoDigests: [],
    created: config.created ?? engine.now(),
    size: cat.size,
    catalog: cat.repo,
    parent: '',
  };
  if (!known) {
    const files: Record<string, string> = {};
    for (const layer of layers.slice(base)) {
      const tar = byName.get(layer)?.content;
      if (!tar) throw new LoadError(`open ${tmp}/${layer}: no such file or directory`);
      for (const e of readTar(tar) ?? []) {
        const name = e.name.replace(/^\.?\//, '');
        if (name === '' || name.split('/').some((p) => p.startsWith('.wh.'))) continue;
        files[`/${name}`] = e.content ? e.content.toString('utf8') : '';
      }
    }
    const c = config.config ?? {};
    image.commit = {
      container: config.container ?? '',
      comment: config.comment ?? '',
      author: config.author ?? '',
      cmd: c.Cmd ?? null,
      entrypoint: c.Entrypoint ?? null,
      env: c.Env ?? null,
      workingDir: c.WorkingDir ?? '',
      files,
      layer: (diffIds[diffIds.length - 1] ?? `sha256:${sha256(id)}`).replace(/^sha256:/, ''),
    };
    image.size += Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);
  }
  localImages(engine).push(image);
  return image;
}

/**
 * `docker load`: the images of a tar made by `docker save`, tagged as it says. Returns the lines
 * the daemon streams (`Loaded image: NAME`, or `Loaded image ID: ID` for untagged ones); throws
 * `LoadError` with the daemon's message for what it cannot read.
 */
export function loadImages(engine: Engine, tar: Buffer): string[] {
  // The daemon unpacks into a fresh temporary directory, which its errors name.
  const tmp = `/var/lib/docker/tmp/docker-import-${1_000_000_000 + engine.ids.int(2_000_000_000)}`;
  const entries = tar.length ? readTar(tar) : [];
  if (entries === null) throw new LoadError('Error processing tar file(exit status 1): unexpected EOF');
  const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, ''), e]));
  const manifestFile = byName.get('manifest.json');
  if (!manifestFile?.content) {
    throw new LoadError(`open ${tmp}/repositories: no such file or directory`);
  }
  let manifest: ManifestItem[] | null;
  try {
    manifest = JSON.parse(manifestFile.content.toString('utf8'));
  } catch {
    throw new LoadError('unexpected end of JSON input');
  }
  const out: string[] = [];
  let ids = '';
  let refCount = 0;
  for (const m of manifest ?? []) {
    const image = loadImage(engine, byName, m, tmp);
    ids += `Loaded image ID: ${image.id}\n`;
    refCount = 0;
    for (const tag of m.RepoTags ?? []) {
      let name: string;
      try {
        name = familiar(parseReference(tag));
      } catch (e) {
        if (e instanceof BadReference) throw new LoadError(e.message);
        throw e;
      }
      const prev = findImage(engine, name);
      if (prev?.repoTags.includes(name) && prev.id !== image.id) {
        out.push(`The image ${name} already exists, renaming the old one with ID ${prev.id} to empty string`);
      }
      tagImage(engine, image.id, name, false);
      out.push(`Loaded image: ${name}`);
      refCount++;
    }
    logImageEvent(engine, image.id, image.id, 'load');
  }
  if (refCount === 0 && ids) out.push(...ids.trimEnd().split('\n'));
  return out;
}
