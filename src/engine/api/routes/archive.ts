/**
 * A container's files over the API: `GET /containers/{id}/export` (the whole file system as tar),
 * `HEAD`/`GET /containers/{id}/archive?path=` (a path's stat in `X-Docker-Container-Path-Stat`,
 * and its tar), `PUT /containers/{id}/archive?path=DIR` (a tar unpacked into a directory).
 */
import type { Engine } from '../../engine.ts';
import { rfc3339Nano } from '../../go/json.ts';
import type { ContainerRecord } from '../../model/state.ts';
import { getContainer } from '../../ops/containers.ts';
import { logContainerEvent } from '../../ops/events.ts';
import { isDir, listDir, makeDir, normalizePath, readFile, writeFile } from '../../tools/fs.ts';
import { ApiError } from '../errors.ts';
import type { ApiRequest, ApiResponse } from '../http.ts';
import { emptyResponse, plainJson, streamResponse } from '../respond.ts';
import { get, head, put, type Route } from '../route.ts';
import { readTar, type TarEntry, tarArchive } from '../tar.ts';

/** `os.ModeDir`, as the stat's mode carries it for a directory. */
const MODE_DIR = 2 ** 31;

function mtimeOf(c: ContainerRecord): number {
  return Math.floor(Date.parse(c.created) / 1000);
}

/** Every entry under `dir` (itself included), files with their contents, directories first. */
function walk(engine: Engine, c: ContainerRecord, dir: string, as: string): TarEntry[] {
  const mtime = mtimeOf(c);
  const out: TarEntry[] = [{ name: as === '' ? './' : `${as}/`, mode: 0o755, mtime }];
  for (const name of listDir(c, dir)) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
    const inner = as === '' ? name : `${as}/${name}`;
    if (isDir(c, path)) out.push(...walk(engine, c, path, inner));
    else out.push({ name: inner, content: Buffer.from(readFile(engine, c, path) ?? ''), mode: 0o644, mtime });
  }
  return out;
}

interface PathStat {
  path: string;
  dir: boolean;
  size: number;
}

/** The path named by `?path=`, or the daemon's errors for a missing parameter or file. */
function statPath(engine: Engine, req: ApiRequest, term: string): { c: ContainerRecord; stat: PathStat } {
  const raw = req.query.get('path') ?? '';
  // `badParameterError` joins its words without a space, as Docker 20.10 says it.
  if (raw === '') throw new ApiError(400, 'bad parameter: pathcannot be empty');
  const c = getContainer(engine, term);
  const path = normalizePath('/', raw);
  if (isDir(c, path)) return { c, stat: { path, dir: true, size: 4096 } };
  const content = readFile(engine, c, path);
  if (content === null) throw new ApiError(404, `Could not find the file ${raw} in container ${term}`);
  return { c, stat: { path, dir: false, size: Buffer.byteLength(content) } };
}

function statHeader(c: ContainerRecord, stat: PathStat): [string, string] {
  const name = stat.path === '/' ? '/' : stat.path.slice(stat.path.lastIndexOf('/') + 1);
  const json = plainJson({
    name,
    size: stat.size,
    mode: stat.dir ? MODE_DIR + 0o755 : 0o644,
    mtime: rfc3339Nano(c.created),
    linkTarget: '',
  });
  return ['X-Docker-Container-Path-Stat', Buffer.from(json).toString('base64')];
}

/** A response with the stat header placed where Go sorts it (after the middleware's headers). */
function withStat(res: ApiResponse, stat: [string, string]): ApiResponse {
  return { ...res, headers: [...res.headers, stat] };
}

function tarResponse(tar: Buffer): ApiResponse {
  return streamResponse(200, 'application/x-tar', {
    run: async (write) => {
      write(tar);
    },
  });
}

export const archiveRoutes: Route[] = [
  get('/containers/{name:.*}/export', ({ engine, params }) => {
    const c = getContainer(engine, params.name!);
    const tar = tarArchive(walk(engine, c, '/', '').slice(1));
    logContainerEvent(engine, c, 'export');
    return tarResponse(tar);
  }),
  head('/containers/{name:.*}/archive', ({ engine, req, params }) => {
    const { c, stat } = statPath(engine, req, params.name!);
    return withStat(emptyResponse(200), statHeader(c, stat));
  }),
  get('/containers/{name:.*}/archive', ({ engine, req, params }) => {
    const { c, stat } = statPath(engine, req, params.name!);
    const base = stat.path === '/' ? '' : stat.path.slice(stat.path.lastIndexOf('/') + 1);
    const entries = stat.dir
      ? walk(engine, c, stat.path, base)
      : [
          {
            name: base,
            content: Buffer.from(readFile(engine, c, stat.path) ?? ''),
            mode: 0o644,
            mtime: mtimeOf(c),
          },
        ];
    logContainerEvent(engine, c, 'archive-path');
    return withStat(tarResponse(tarArchive(entries)), statHeader(c, stat));
  }),
  put('/containers/{name:.*}/archive', ({ engine, req, params }) => {
    const { c, stat } = statPath(engine, req, params.name!);
    if (!stat.dir) throw new ApiError(400, 'extraction point is not a directory');
    const entries = readTar(req.body);
    if (entries === null) throw new ApiError(500, 'unexpected EOF');
    for (const e of entries) {
      const path = normalizePath(stat.path, e.name);
      if (e.content === undefined) makeDir(c, path);
      else writeFile(c, path, e.content.toString('utf8'));
    }
    logContainerEvent(engine, c, 'extract-to-dir');
    return emptyResponse(200);
  }),
];
