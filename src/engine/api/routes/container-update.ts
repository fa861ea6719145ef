/** `POST /containers/{name}/update`: a container's restart policy and resources. */
import type { Route } from '../route.ts';

export const containerUpdateRoutes: Route[] = [];
