/** `GET /images/{name}/get`, `GET /images/get?names=` and `POST /images/load`: images as tar files. */
import type { Route } from '../route.ts';

export const imageTransferRoutes: Route[] = [];
