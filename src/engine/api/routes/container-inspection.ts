/** `GET /containers/{name}/top` and `/changes`: a container's processes and its layer's changes. */

import { containerChanges, containerTop } from '../../ops/container-inspection.ts';
import { jsonResponse } from '../respond.ts';
import { get, type Route } from '../route.ts';

export const containerInspectionRoutes: Route[] = [
  get('/containers/{name:.*}/top', ({ engine, req, params }) =>
    jsonResponse(200, containerTop(engine, params.name!, req.query.get('ps_args') ?? '')),
  ),
  get('/containers/{name:.*}/changes', ({ engine, params }) =>
    jsonResponse(200, containerChanges(engine, params.name!)),
  ),
];
