/**
 * What a route handler sees and how routes are declared. Paths use the daemon's own templates
 * (`/networks/{id:.+}`, `/containers/{name:.*}/json`); every route is also served under
 * `/v{version}/`.
 */
import type { Engine } from '../engine.ts';
import { ApiError } from './errors.ts';
import { decodeGoJson, type GoType, JsonDecodeError, JsonEOF } from './go-decode.ts';
import type { ApiRequest, ApiResponse } from './http.ts';

export interface RouteContext {
  engine: Engine;
  req: ApiRequest;
  /** Path variables, percent-decoded. */
  params: Record<string, string>;
  /** The API version the client asked for (1.41 when the path has none). */
  version: string;
}

export type Handler = (ctx: RouteContext) => ApiResponse | Promise<ApiResponse>;

export interface Route {
  method: string;
  path: string;
  handler: Handler;
}

export const get = (path: string, handler: Handler): Route => ({ method: 'GET', path, handler });
export const post = (path: string, handler: Handler): Route => ({ method: 'POST', path, handler });
export const del = (path: string, handler: Handler): Route => ({ method: 'DELETE', path, handler });
export const head = (path: string, handler: Handler): Route => ({ method: 'HEAD', path, handler });

/** `httputils.CheckForJSON`: no Content-Type is fine only without a body. */
export function checkForJson(req: ApiRequest): void {
  const ct = req.headers['content-type'] ?? '';
  if (ct === '' && req.body.length === 0) return;
  const mediaType = ct.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return;
  throw new ApiError(400, `Content-Type specified (${ct}) must be 'application/json'`);
}

/**
 * A JSON body decoded into `type` with Go's errors; an empty body gives `onEOF` (each handler has
 * its own: `got EOF while reading request body`, or an empty request).
 */
export function readJson<T>(req: ApiRequest, type: GoType, onEOF: () => T, status = 400): T {
  checkForJson(req);
  try {
    return decodeGoJson(req.body.toString('utf8'), type) as T;
  } catch (e) {
    if (e instanceof JsonEOF) return onEOF();
    if (e instanceof JsonDecodeError) throw new ApiError(status, e.message);
    throw e;
  }
}

/** `httputils.BoolValue`: anything but "", "0", "no", "false" and "none" is true. */
export function boolValue(req: ApiRequest, name: string): boolean {
  const v = (req.query.get(name) ?? '').trim().toLowerCase();
  return !(v === '' || v === '0' || v === 'no' || v === 'false' || v === 'none');
}

/** `httputils.BoolValueOrDefault`. */
export function boolValueOrDefault(req: ApiRequest, name: string, dflt: boolean): boolean {
  return req.query.has(name) ? boolValue(req, name) : dflt;
}

/** Go's `strconv.Atoi` on a query value, its error unwrapped as the handlers return it (a 500). */
export function atoi(value: string): number {
  const m = /^[+-]?[0-9]+$/.exec(value);
  if (!m) throw new ApiError(500, `strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63) {
    throw new ApiError(500, `strconv.Atoi: parsing ${JSON.stringify(value)}: value out of range`);
  }
  return n;
}

/** An optional integer query parameter (`t`, `limit`): absent or empty is undefined. */
export function intParam(req: ApiRequest, name: string): number | undefined {
  const v = req.query.get(name) ?? '';
  return v === '' ? undefined : atoi(v);
}
export const put = (path: string, handler: Handler): Route => ({ method: 'PUT', path, handler });
