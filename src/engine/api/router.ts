/**
 * The Engine API router: one function from request to response, used by the HTTP server and by
 * the sandbox's in-process curl alike. It does what the daemon's mux and middlewares do before a
 * handler runs: path cleaning (301), route matching (404 `page not found`), the API version check
 * (400 too new / too old), then maps engine errors to `{"message": ...}` with their status.
 */
import type { Engine } from '../engine.ts';
import { pageNotFound, responseForError } from './errors.ts';
import type { ApiRequest, ApiResponse } from './http.ts';
import { API_VERSION, emptyResponse, MIN_API_VERSION } from './respond.ts';
import type { Route, RouteContext } from './route.ts';
import { allRoutes } from './routes/index.ts';
import { compareVersions } from './versions.ts';

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

/** `/networks/{id:.+}` -> a regex with one group per variable; `{name}` alone matches one segment. */
function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  let src = '';
  let rest = route.path;
  for (;;) {
    const open = rest.indexOf('{');
    if (open < 0) break;
    const close = rest.indexOf('}', open);
    src += escapeRegex(rest.slice(0, open));
    const spec = rest.slice(open + 1, close);
    const colon = spec.indexOf(':');
    names.push(colon < 0 ? spec : spec.slice(0, colon));
    src += `(${colon < 0 ? '[^/]+' : spec.slice(colon + 1)})`;
    rest = rest.slice(close + 1);
  }
  src += escapeRegex(rest);
  return { ...route, regex: new RegExp(`^${src}$`, 's'), names };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let compiled: CompiledRoute[] | null = null;
function routes(): CompiledRoute[] {
  compiled ??= allRoutes().map(compile);
  return compiled;
}

/** Go's `path.Clean`, keeping a trailing slash as gorilla/mux does. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const abs = p.startsWith('/') ? p : `/${p}`;
  const out: string[] = [];
  for (const seg of abs.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  let cleaned = `/${out.join('/')}`;
  if (abs.endsWith('/') && cleaned !== '/') cleaned += '/';
  return cleaned;
}

/** Answers one request against `engine`. Never throws: every failure is an HTTP answer. */
export async function handleApiRequest(engine: Engine, req: ApiRequest): Promise<ApiResponse> {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return goBadRequest();
  }
  const cleaned = cleanPath(path);
  if (cleaned !== path) {
    const query = req.query.toString();
    return {
      status: 301,
      headers: [['Location', query ? `${cleaned}?${query}` : cleaned]],
      body: Buffer.alloc(0),
    };
  }
  const versioned = /^\/v([0-9.]+)(\/.*)$/s.exec(path);
  const candidates: Array<{ version: string; rest: string }> = [];
  if (versioned) candidates.push({ version: versioned[1]!, rest: versioned[2]! });
  candidates.push({ version: '', rest: path });
  for (const { version, rest } of candidates) {
    for (const route of routes()) {
      if (route.method !== req.method) continue;
      const m = route.regex.exec(rest);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = m[i + 1] ?? '';
      });
      const refused = checkVersion(version);
      if (refused) return refused;
      const ctx: RouteContext = { engine, req, params, version: version || API_VERSION };
      try {
        return await route.handler(ctx);
      } catch (e) {
        if ((e as { status?: number }).status === 304) return emptyResponse(304);
        return responseForError(e);
      }
    }
  }
  return pageNotFound();
}

/** The version middleware: the answer for a version outside [1.12, 1.41], or null. */
function checkVersion(version: string): ApiResponse | null {
  if (version === '') return null;
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    return {
      status: 400,
      headers: [
        ['Api-Version', API_VERSION],
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Ostype', 'linux'],
        ['Server', 'Docker/20.10.24+dfsg1 (linux)'],
        ['X-Content-Type-Options', 'nosniff'],
      ],
      body: Buffer.from(
        `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version\n`,
      ),
    };
  }
  if (compareVersions(version, API_VERSION) > 0) {
    return {
      status: 400,
      headers: [
        ['Api-Version', API_VERSION],
        ['Content-Type', 'application/json'],
        ['Ostype', 'linux'],
        ['Server', 'Docker/20.10.24+dfsg1 (linux)'],
      ],
      body: Buffer.from(
        `{"message":"client version ${version} is too new. Maximum supported API version is ${API_VERSION}"}\n`,
      ),
    };
  }
  return null;
}

/** What Go's HTTP server answers for a request it cannot parse (a bad escape in the path). */
function goBadRequest(): ApiResponse {
  return {
    status: 400,
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Connection', 'close'],
    ],
    body: Buffer.from('400 Bad Request'),
  };
}
