/** `/volumes`: list (filters), inspect, create, delete, prune (the daemon's volume router). */

import { f, goSlice, goStruct } from '../../go/values.ts';
import {
  type VolumeCreateRequest,
  volumeCreate,
  volumeGet,
  volumeListFiltered,
  volumeRemove,
  volumesPrune,
} from '../../ops/volumes.ts';
import { volumeView } from '../../views/volume-view.ts';
import { ApiError } from '../errors.ts';
import { type Filters, parseFiltersParam } from '../filters.ts';
import { field, T } from '../go-decode.ts';
import type { ApiRequest } from '../http.ts';
import { emptyResponse, goJsonResponse, jsonResponse } from '../respond.ts';
import { boolValue, del, get, post, type Route, readJson } from '../route.ts';

/** `volume.VolumeCreateBody`. */
const VOLUME_CREATE_BODY = T.struct('VolumeCreateBody', {
  Driver: T.string,
  DriverOpts: T.map(T.string),
  Labels: T.map(T.string),
  Name: T.string,
});

/** The list wraps a bad `filters` in its own words, as invalid input (400). */
function listFilters(req: ApiRequest): Filters {
  try {
    return parseFiltersParam(req);
  } catch (e) {
    if (e instanceof ApiError) throw new ApiError(400, `error reading volume filters: ${e.message}`);
    throw e;
  }
}

function createRequest(body: unknown): VolumeCreateRequest {
  const str = (k: string) => (typeof field(body, k) === 'string' ? (field(body, k) as string) : '');
  const map = (k: string) => {
    const v = field(body, k);
    return v && typeof v === 'object' ? (v as Record<string, string>) : null;
  };
  return { Name: str('Name'), Driver: str('Driver'), DriverOpts: map('DriverOpts'), Labels: map('Labels') };
}

export const volumeRoutes: Route[] = [
  get('/volumes', ({ engine, req }) => {
    const list = volumeListFiltered(engine, listFilters(req));
    return goJsonResponse(
      200,
      goStruct('volume.VolumeListOKBody', [
        f('Volumes', goSlice(list.map((v) => volumeView(v)))),
        f('Warnings', goSlice([], true)),
      ]),
    );
  }),
  get('/volumes/{name:.*}', ({ engine, params }) =>
    goJsonResponse(200, volumeView(volumeGet(engine, params.name!))),
  ),
  post('/volumes/create', ({ engine, req }) => {
    const body = readJson<unknown>(req, VOLUME_CREATE_BODY, () => {
      throw new ApiError(400, 'got EOF while reading request body');
    });
    return goJsonResponse(201, volumeView(volumeCreate(engine, createRequest(body))));
  }),
  post('/volumes/prune', ({ engine, req }) => {
    const deleted = volumesPrune(engine, parseFiltersParam(req));
    return jsonResponse(200, { VolumesDeleted: deleted, SpaceReclaimed: 0 });
  }),
  del('/volumes/{name:.*}', ({ engine, req, params }) => {
    volumeRemove(engine, params.name!, boolValue(req, 'force'));
    return emptyResponse(204);
  }),
];
