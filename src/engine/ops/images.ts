/**
 * Image operations: references parsed as docker/distribution does, the local image store
 * (seeded with the sandbox's `alpine:latest`), pulls from the simulated registry, tag, remove,
 * prune.
 */

import { rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { badRequest, conflict, EngineError, notFound } from '../errors.ts';
import { CATALOG, type CatalogImage, catalogFor, catalogImage } from '../images/catalog.ts';
import type { ContainerRecord, ImageRecord } from '../model/state.ts';
import { logContainerEvent, logImageEvent, logPruneEvent } from './events.ts';
import { unreachablePull } from './registry.ts';

export interface ImageRef {
  /** `alpine`, `myrepo/app`, `registry:5000/x` (familiar form, no `docker.io/library/`). */
  repo: string;
  tag: string;
  digest: string;
}

export class BadReference extends Error {}

const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** `reference.ParseNormalizedNamed` with the CLI's messages; tag defaults to latest. */
export function parseReference(text: string): ImageRef {
  let rest = text;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest)) throw new BadReference('invalid reference format');
  }
  let tag = '';
  const lastColon = rest.lastIndexOf(':');
  const lastSlash = rest.lastIndexOf('/');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw new BadReference('invalid reference format');
  }
  if (rest === '') throw new BadReference('invalid reference format');
  const parts = rest.split('/');
  const hasDomain =
    parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost');
  const path = hasDomain ? parts.slice(1) : parts;
  for (const p of path) {
    if (!NAME_COMPONENT.test(p)) {
      if (NAME_COMPONENT.test(p.toLowerCase()))
        throw new BadReference('invalid reference format: repository name must be lowercase');
      throw new BadReference('invalid reference format');
    }
  }
  let repo = rest;
  if (repo.startsWith('docker.io/')) repo = repo.slice('docker.io/'.length);
  if (repo.startsWith('library/')) repo = repo.slice('library/'.length);
  return { repo, tag: tag || (digest ? '' : 'latest'), digest };
}

export const familiar = (ref: ImageRef) => (ref.tag ? `${ref.repo}:${ref.tag}` : `${ref.repo}@${ref.digest}`);

/** The local images; a fresh sandbox gets `alpine:latest`, built when the sandbox started. */
export function localImages(engine: Engine): ImageRecord[] {
  const state = engine.state;
  if (!state.daemon.imagesSeeded) {
    state.daemon.imagesSeeded = true;
    if (!state.images.some((i) => i.catalog === 'alpine')) {
      const alpine = catalogImage('alpine')!;
      state.images.push({
        id: alpine.id,
        repoTags: ['alpine:latest'],
        repoDigests: [],
        // Built just before the sandbox's daemon came up: "1 second ago" at the first command.
        created: rfc3339Nanos(Date.parse(state.daemon.started) - 1000),
        size: alpine.size,
        catalog: 'alpine',
        parent: '',
      });
      // The sandbox imported it as it came up (`docker import` with a tag): the first two events.
      logImageEvent(engine, alpine.id, 'alpine:latest', 'tag');
      logImageEvent(engine, alpine.id, alpine.id, 'import');
    }
  }
  return state.images;
}

/** `GetImage`: a full or short image ID, or a reference (tag defaults to latest). */
export function findImage(engine: Engine, term: string): ImageRecord | null {
  const images = localImages(engine);
  const bare = term.startsWith('sha256:') ? term.slice(7) : term;
  if (/^[a-f0-9]{64}$/.test(bare)) {
    const byId = images.find((i) => i.id === `sha256:${bare}`);
    if (byId) return byId;
  }
  let ref: ImageRef | null = null;
  try {
    ref = parseReference(term);
  } catch {
    ref = null;
  }
  if (ref) {
    const name = familiar(ref);
    const byRef = ref.tag
      ? images.find((i) => i.repoTags.includes(name))
      : images.find((i) => i.repoDigests.includes(`${ref!.repo}@${ref!.digest}`));
    if (byRef) return byRef;
  }
  if (/^[a-f0-9]{1,64}$/.test(bare) && !term.includes(':')) {
    const byPrefix = images.filter((i) => i.id.slice(7).startsWith(bare));
    if (byPrefix.length === 1) return byPrefix[0]!;
  }
  return null;
}

/** The image `term` names or Docker's 404, worded as the daemon does for most endpoints. */
export function getImage(engine: Engine, term: string): ImageRecord {
  const img = findImage(engine, term);
  if (img) return img;
  throw notFound(`No such image: ${normalizedForError(term)}`);
}

function normalizedForError(term: string): string {
  try {
    return familiar(parseReference(term));
  } catch {
    return term;
  }
}

/** What an image runs and holds: its catalog entry, with a committed image's own config over it. */
export function imageCatalog(img: ImageRecord): CatalogImage {
  const cat = catalogFor(img.catalog);
  const c = img.commit;
  if (!c) return cat;
  return { ...cat, cmd: c.cmd, entrypoint: c.entrypoint, env: c.env, workingDir: c.workingDir };
}

/** Files Docker mounts into a container rather than keeping in its layer: commit leaves them out. */
const MOUNTED_FILES = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);

export interface CommitOptions {
  repo: string;
  tag: string;
  comment: string;
  author: string;
}

/**
 * `POST /commit`: a new image from a container, its config and the files it wrote over its
 * image's. Tagged `repo:tag` (tag defaults to latest) when a repo is given, else dangling.
 */
export function commitContainer(engine: Engine, c: ContainerRecord, opts: CommitOptions): ImageRecord {
  const parent = localImages(engine).find((i) => i.id === c.imageId);
  let name = '';
  if (opts.repo !== '') {
    let ref: ImageRef;
    try {
      ref = parseReference(opts.tag ? `${opts.repo}:${opts.tag}` : opts.repo);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    name = familiar(ref);
  }
  const files: Record<string, string> = { ...(parent?.commit?.files ?? {}) };
  for (const [path, content] of Object.entries(c.files ?? {}))
    if (!MOUNTED_FILES.has(path)) files[path] = content;
  const written = Object.values(files).reduce((n, text) => n + Buffer.byteLength(text), 0);
  const image: ImageRecord = {
    id: `sha256:${engine.ids.hex64()}`,
    repoTags: [],
    repoDigests: [],
    created: engine.now(),
    size: (parent?.size ?? 0) + written,
    catalog: parent?.catalog ?? 'alpine',
    parent: parent?.id ?? '',
    commit: {
      container: c.id,
      comment: opts.comment,
      author: opts.author,
      cmd: c.cmd ? [...c.cmd] : null,
      entrypoint: c.entrypoint ? [...c.entrypoint] : null,
      env: [...c.env],
      workingDir: c.workingDir,
      files,
      layer: engine.ids.hex64(),
    },
  };
  // The daemon pauses a running container while it commits (`pause`, the default).
  const pause = c.status === 'running';
  if (pause) logContainerEvent(engine, c, 'pause');
  localImages(engine).push(image);
  if (name) {
    addTag(engine, image, name);
    logImageEvent(engine, image.id, name, 'tag');
  }
  logContainerEvent(engine, c, 'commit', { comment: opts.comment, imageID: image.id, imageRef: name });
  if (pause) logContainerEvent(engine, c, 'unpause');
  return image;
}

/** The registry's answer for a reference: the catalog image, or Docker Hub's denial. */
export function registryLookup(ref: ImageRef): CatalogImage {
  const img = catalogImage(ref.repo);
  if (!img) {
    throw notFound(
      `pull access denied for ${ref.repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
    );
  }
  if (ref.tag && !img.tags.includes(ref.tag)) {
    throw notFound(`manifest for ${ref.repo}:${ref.tag} not found: manifest unknown: manifest unknown`);
  }
  return img;
}

export interface PullResult {
  lines: string[];
  image: ImageRecord;
}

/** `POST /images/create`: the progress lines Docker prints without a terminal, then the image. */
export function pullImage(engine: Engine, ref: ImageRef): PullResult {
  // A loopback registry the sandbox does not simulate refuses the connection first.
  const refused = unreachablePull(engine, ref.repo);
  if (refused) throw refused;
  const cat = registryLookup(ref);
  const name = familiar(ref);
  const images = localImages(engine);
  const tagLine = ref.tag
    ? `${ref.tag}: Pulling from ${libraryPath(ref.repo)}`
    : `${ref.digest}: Pulling from ${libraryPath(ref.repo)}`;
  const existing = images.find((i) => i.catalog === cat.repo && i.id === cat.id);
  const repoDigest = `${ref.repo}@${cat.digest}`;
  if (existing?.repoTags.includes(name)) {
    logImageEvent(engine, name, ref.repo, 'pull');
    return {
      lines: [tagLine, `Digest: ${cat.digest}`, `Status: Image is up to date for ${name}`],
      image: existing,
    };
  }
  const lines = [tagLine];
  if (!existing) {
    for (const l of cat.layers) lines.push(`${l}: Pulling fs layer`);
    for (const l of cat.layers.slice(1)) lines.push(`${l}: Waiting`);
    for (const l of cat.layers) lines.push(`${l}: Verifying Checksum`, `${l}: Download complete`);
    for (const l of cat.layers) lines.push(`${l}: Pull complete`);
  } else {
    for (const l of cat.layers) lines.push(`${l}: Already exists`);
  }
  lines.push(`Digest: ${cat.digest}`, `Status: Downloaded newer image for ${name}`);
  let image = existing;
  if (!image) {
    image = {
      id: cat.id,
      repoTags: [],
      repoDigests: [],
      created: cat.created ?? engine.state.daemon.started,
      size: cat.size,
      catalog: cat.repo,
      parent: '',
    };
    images.push(image);
  }
  if (ref.tag) addTag(engine, image, name);
  if (!image.repoDigests.includes(repoDigest)) image.repoDigests.push(repoDigest);
  logImageEvent(engine, name, ref.repo, 'pull');
  return { lines, image };
}

function libraryPath(repo: string): string {
  return repo.includes('/') ? repo : `library/${repo}`;
}

/** Moves `name` to `image` (a tag names one image at a time). */
function addTag(engine: Engine, image: ImageRecord, name: string): void {
  for (const other of localImages(engine)) {
    if (other !== image) other.repoTags = other.repoTags.filter((t) => t !== name);
  }
  if (!image.repoTags.includes(name)) image.repoTags.push(name);
  // The reference store lists tags in the lexical order of their full names (docker.io/library/...).
  image.repoTags.sort((a, b) =>
    fullReference(a) < fullReference(b) ? -1 : fullReference(a) > fullReference(b) ? 1 : 0,
  );
  dropDangling(engine);
}

function dropDangling(engine: Engine): void {
  // An image left without tags, digests or containers is kept as <none> by Docker; ours only
  // come from the catalog, so an untagged one stays listed as dangling.
  void engine;
}

/** `POST /images/{name}/tag`. */
/** `docker tag`; `event`: the `tag` event (a load tags without one, through the reference store). */
export function tagImage(engine: Engine, source: string, target: string, event = true): void {
  const img = findImage(engine, source);
  if (!img) throw notFound(`No such image: ${normalizedForError(source)}`);
  let ref: ImageRef;
  try {
    ref = parseReference(target);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  addTag(engine, img, familiar(ref));
  if (event) logImageEvent(engine, img.id, familiar(ref), 'tag');
}

/** `DELETE /images/{name}`: the Untagged/Deleted lines. */
export function removeImage(engine: Engine, term: string, force = false): string[] {
  const img = findImage(engine, term);
  const lines = removeImageLines(engine, term, force);
  if (img) logRemovalEvents(engine, img.id, lines);
  return lines;
}

/** An `untag` event for each reference gone, then `delete` if the image went (both name it by ID). */
function logRemovalEvents(engine: Engine, id: string, lines: string[]): void {
  for (const line of lines) if (/^untagged: /i.test(line)) logImageEvent(engine, id, id, 'untag');
  if (lines.some((l) => l.toLowerCase() === `deleted: ${id}`)) logImageEvent(engine, id, id, 'delete');
}

function removeImageLines(engine: Engine, term: string, force: boolean): string[] {
  const img = findImage(engine, term);
  if (!img) throw notFound(`No such image: ${normalizedForError(term)}`);
  const users = engine.state.containers.filter((c) => c.imageId === img.id);
  const byId = img.id === term || img.id.slice(7).startsWith(term.replace(/^sha256:/, ''));
  let name = '';
  try {
    name = familiar(parseReference(term));
  } catch {
    name = '';
  }
  const out: string[] = [];
  if (!byId && img.repoTags.includes(name)) {
    if (img.repoTags.length > 1 || force) {
      img.repoTags = img.repoTags.filter((t) => t !== name);
      out.push(`Untagged: ${name}`);
      if (img.repoTags.length > 0 || users.length > 0) return out;
      return [...out, ...deleteImage(engine, img)];
    }
    if (users.length > 0) {
      const user = users[0]!;
      throw conflict(
        // Docker quotes the reference as the client gave it (`alpine`, not `alpine:latest`).
        `conflict: unable to remove repository reference "${term}" (must force) - container ${user.id.slice(0, 12)} is using its referenced image ${img.id.slice(7, 19)}`,
      );
    }
    img.repoTags = [];
    out.push(`Untagged: ${name}`);
    return [...out, ...deleteImage(engine, img)];
  }
  // `checkImageDeleteConflict`, in its order: a running container (even forced), then the other
  // tags, then a stopped container.
  const short = img.id.slice(7, 19);
  const running = users.find((c) => ['running', 'paused', 'restarting'].includes(c.status));
  if (running) {
    throw conflict(
      `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${running.id.slice(0, 12)}`,
    );
  }
  if (img.repoTags.length > 1 && !force) {
    throw conflict(
      `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`,
    );
  }
  if (users.length > 0 && !force) {
    throw conflict(
      `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${users[0]!.id.slice(0, 12)}`,
    );
  }
  for (const t of img.repoTags) out.push(`Untagged: ${t}`);
  for (const d of img.repoDigests) out.push(`Untagged: ${d}`);
  img.repoTags = [];
  return [...out, ...deleteImage(engine, img)];
}

function deleteImage(engine: Engine, img: ImageRecord): string[] {
  const out: string[] = [];
  for (const d of img.repoDigests) out.push(`Untagged: ${d}`);
  engine.state.images = engine.state.images.filter((i) => i !== img);
  out.push(`Deleted: ${img.id}`);
  if (img.commit) {
    // Only the committed layer is the image's own; its parent's stay with the parent.
    out.push(`Deleted: sha256:${img.commit.layer}`);
    return out;
  }
  const cat = imageCatalog(img);
  for (const l of cat.layers) out.push(`Deleted: sha256:${l}${img.id.slice(19, 71)}`);
  return out;
}

/** `POST /images/prune`: without `all`, only dangling images (untagged), none here normally. */
export function pruneImages(engine: Engine, all: boolean): { deleted: string[]; reclaimed: number } {
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const img of [...localImages(engine)]) {
    const used = engine.state.containers.some((c) => c.imageId === img.id);
    if (used) continue;
    if (!all && img.repoTags.length > 0) continue;
    const lines = [
      ...img.repoTags.map((t) => `untagged: ${t}`),
      ...img.repoDigests.map((d) => `untagged: ${d}`),
      `deleted: ${img.id}`,
    ];
    img.repoTags = [];
    img.repoDigests = [];
    engine.state.images = engine.state.images.filter((i) => i !== img);
    logRemovalEvents(engine, img.id, lines);
    deleted.push(...lines);
    reclaimed += img.size;
  }
  logPruneEvent(engine, 'image', reclaimed);
  return { deleted, reclaimed };
}

/** `GET /images/json` filters: reference, dangling, label (labels are empty here), before, since. */
export function listImages(engine: Engine, filters: Record<string, string[]> = {}): ImageRecord[] {
  for (const key of Object.keys(filters)) {
    if (!['reference', 'dangling', 'label', 'before', 'since'].includes(key))
      throw badRequest(`Invalid filter '${key}'`);
  }
  // `dangling` is exactly true or false (not 1 or 0 as for networks).
  const dangling = filters.dangling;
  if (dangling && !dangling.includes('true') && !dangling.includes('false')) {
    throw badRequest(`Invalid filter 'dangling=[${dangling.join(' ')}]'`);
  }
  // before/since: images created before/after the last one named (each must exist).
  const boundary = (key: 'before' | 'since') => {
    let created: number | undefined;
    for (const term of filters[key] ?? []) created = Date.parse(getImage(engine, term).created);
    return created;
  };
  const before = boundary('before');
  const since = boundary('since');
  return localImages(engine).filter((img) => {
    if (dangling && dangling.includes('true') !== (img.repoTags.length === 0)) return false;
    const created = Date.parse(img.created);
    if (before !== undefined && created >= before) return false;
    if (since !== undefined && created <= since) return false;
    if (filters.reference?.length) {
      if (!img.repoTags.some((t) => filters.reference!.some((r) => referenceMatches(t, r)))) return false;
    }
    // The simulated images carry no labels: a label filter matches none.
    if (filters.label?.length) return false;
    return true;
  });
}

/** Docker's `reference=` filter: path.Match on the familiar name, or name:tag. */
/** `alpine:latest` -> `docker.io/library/alpine:latest`, as Docker normalizes references. */
export function fullReference(ref: string): string {
  const slash = ref.indexOf('/');
  if (slash < 0) return `docker.io/library/${ref}`;
  const first = ref.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return ref;
  return `docker.io/${ref}`;
}

export function referenceMatches(repoTag: string, pattern: string): boolean {
  const colon = repoTag.lastIndexOf(':');
  const repo = repoTag.slice(0, colon);
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(repo) || re.test(repoTag);
}

export { CATALOG, EngineError };
