/** `/_ping`, `/version`, `/info`, `/plugins`, `/system/df`, `/build/prune`: the daemon's own endpoints. */
import { f, type GoSlice, type GoStruct, goSlice, goStruct } from '../../go/values.ts';

import { buildCachePrune, diskUsage } from '../../ops/system.ts';
import { localVolumesUsage } from '../../ops/volumes.ts';
import { containerSummary } from '../../views/container-summary.ts';
import { imageSummary } from '../../views/image-summary.ts';
import { infoView, versionView } from '../../views/system-view.ts';
import { volumeView } from '../../views/volume-view.ts';
import { ApiError } from '../errors.ts';
import { type Filters, parseFiltersParam } from '../filters.ts';
import type { ApiResponse } from '../http.ts';
import {
  API_VERSION,
  emptyResponse,
  goJson,
  goJsonResponse,
  jsonResponse,
  SERVER_HEADER,
} from '../respond.ts';
import { atoi, get, head, post, type Route } from '../route.ts';
import { compareVersions } from '../versions.ts';

/** `/_ping` sets its headers itself, with no-cache, and lets Go add the text Content-Type. */
function ping(method: 'GET' | 'HEAD'): ApiResponse {
  const headers: Array<[string, string]> = [
    ['Api-Version', API_VERSION],
    ['Cache-Control', 'no-cache, no-store, must-revalidate'],
  ];
  if (method === 'HEAD') headers.push(['Content-Length', '0'], ['Content-Type', 'text/plain; charset=utf-8']);
  headers.push(
    ['Docker-Experimental', 'false'],
    ['Ostype', 'linux'],
    ['Pragma', 'no-cache'],
    ['Server', SERVER_HEADER],
  );
  return { status: 200, headers, body: Buffer.from(method === 'HEAD' ? '' : 'OK') };
}

export const systemRoutes: Route[] = [
  get('/_ping', () => {
    // Go sniffs the type after the handler wrote, so it comes after Date and Content-Length.
    return { ...ping('GET'), sniffedType: 'text/plain; charset=utf-8' };
  }),
  head('/_ping', () => ping('HEAD')),
  get('/version', () => goJsonResponse(200, versionView())),
  get('/info', ({ engine, version }) => {
    const info = infoView(engine) as GoStruct;
    if (compareVersions(version, '1.25') >= 0) return goJsonResponse(200, info);
    // Before 1.25 the router sends its old struct: Info, then ExecutionDriver, and the security
    // options by name only.
    const fields = info.fields.map((field) => {
      if (field.name !== 'SecurityOptions') return field;
      const names = (field.value as GoSlice).items.map((o) =>
        String(o)
          .split(',')
          .find((kv) => kv.startsWith('name='))!
          .slice(5),
      );
      return f('SecurityOptions', goSlice(names));
    });
    return goJsonResponse(
      200,
      goStruct(info.type ?? 'types.Info', [...fields, f('ExecutionDriver', '<not supported>')]),
    );
  }),
  get('/plugins', () => jsonResponse(200, [])),
  get('/system/df', ({ engine }) => {
    const du = diskUsage(engine);
    return jsonResponse(200, {
      LayersSize: du.layersSize,
      Images: du.images.map(({ image, containers }) => ({
        ...imageSummary(image),
        Containers: containers,
        SharedSize: 0,
      })),
      Containers: du.containers.map(({ container, sizeRw }) => ({
        ...containerSummary(engine, container),
        SizeRw: sizeRw,
        SizeRootFs: sizeRw + (engine.state.images.find((i) => i.id === container.imageId)?.size ?? 0),
      })),
      Volumes: goJson(
        goSlice(
          localVolumesUsage(engine).map(({ volume, refCount, size }) =>
            volumeView(volume, { refCount, size }),
          ),
        ),
      ),
      BuildCache: null,
      BuilderSize: 0,
    });
  }),
  post('/build/prune', ({ engine, req }) => {
    let filters: Filters;
    try {
      filters = parseFiltersParam(req);
    } catch (e) {
      if (e instanceof ApiError) throw new ApiError(500, `could not parse filters: ${e.message}`);
      throw e;
    }
    const keep = req.query.get('keep-storage') || '0';
    try {
      atoi(keep);
    } catch (e) {
      if (e instanceof ApiError) {
        throw new ApiError(500, `keep-storage is in bytes and expects an integer, got ${keep}: ${e.message}`);
      }
      throw e;
    }
    return jsonResponse(200, buildCachePrune(engine, filters));
  }),
  // The daemon answers OPTIONS on every path (CORS preflight) with an empty 200.
  { method: 'OPTIONS', path: '/{anyroute:.*}', handler: () => emptyResponse(200) },
];
