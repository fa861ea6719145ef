/** `/images`: list, create (pull), inspect, history, tag, push, delete, prune; and `/auth`. */

import { EngineError, notFound } from '../../errors.ts';
import {
  BadReference,
  getImage,
  listImages,
  parseReference,
  pruneImages,
  pullImage,
  referenceMatches,
  removeImage,
  tagImage,
} from '../../ops/images.ts';
import { pushImage, registryLogin } from '../../ops/registry.ts';
import { AUTH_CONFIG_FIELDS, emptyAuthConfig } from '../../registry/auth-config.ts';
import { imageHistory, imageSummary } from '../../views/image-summary.ts';
import { imageView } from '../../views/image-view.ts';
import { ApiError } from '../errors.ts';
import { parseFiltersParam } from '../filters.ts';
import { decodeGoJson, field, JsonDecodeError, JsonEOF, T } from '../go-decode.ts';
import { progressLine, pullMessages } from '../progress.ts';
import { authFromHeader } from '../registry-auth-header.ts';
import { emptyResponse, goJsonResponse, jsonResponse, streamResponse } from '../respond.ts';
import { boolValue, del, get, post, type Route } from '../route.ts';
import { compareVersions } from '../versions.ts';

const AUTH_CONFIG = T.struct(
  'AuthConfig',
  Object.fromEntries(AUTH_CONFIG_FIELDS.map((k) => [k, T.string])),
  'types',
);

/** A JSON progress stream with the lines already known (the simulator answers at once). */
function progressStream(messages: ReturnType<typeof pullMessages>) {
  return streamResponse(200, 'application/json', {
    run: async (write) => {
      for (const m of messages) write(progressLine(m));
    },
  });
}

function invalidReference(e: unknown, status: 400 | 500): never {
  if (e instanceof BadReference) throw new ApiError(status, e.message);
  throw e;
}

export const imageRoutes: Route[] = [
  get('/images/json', ({ engine, req, version }) => {
    const filters = parseFiltersParam(req);
    // Before 1.41 the `filter` parameter is one more reference filter.
    const legacy = req.query.get('filter') ?? '';
    if (legacy !== '' && compareVersions(version, '1.41') < 0) {
      filters.reference = [...(filters.reference ?? []), legacy];
    }
    const list = [...listImages(engine, filters)].sort(
      (a, b) => Date.parse(b.created) - Date.parse(a.created),
    );
    // With a reference filter the daemon lists only the references that match it (recorded: 189).
    const refs = filters.reference;
    const matches = (ref: string) =>
      refs?.some((r) => referenceMatches(ref.includes('@') ? `${ref.slice(0, ref.indexOf('@'))}:` : ref, r));
    const shown = refs?.length
      ? list.map((img) => ({
          ...img,
          repoTags: img.repoTags.filter(matches),
          repoDigests: img.repoDigests.filter(matches),
        }))
      : list;
    return jsonResponse(
      200,
      shown.map((img) => imageSummary(img)),
    );
  }),
  post('/images/create', ({ engine, req }) => {
    const from = (req.query.get('fromImage') ?? '').replace(/:$/, '');
    const tag = req.query.get('tag') ?? '';
    if (from === '') {
      // An import: the daemon fetches `fromSrc` as a URL, and "" becomes `http:` with no host.
      if ((req.query.get('fromSrc') ?? '') === '')
        throw new ApiError(500, 'Get "http:": http: no Host in request URL');
      throw new ApiError(500, 'the import source (fromSrc) is required when fromImage is empty');
    }
    let ref: ReturnType<typeof parseReference>;
    try {
      ref = parseReference(from);
      if (tag !== '') {
        // `reference.WithTag` checks the tag alone (unless it is a digest).
        if (!/^[a-z0-9]+:[a-f0-9]{32,}$/.test(tag) && !/^[\w][\w.-]{0,127}$/.test(tag)) {
          throw new ApiError(400, 'invalid tag format');
        }
        ref = /^[a-z0-9]+:[a-f0-9]{32,}$/.test(tag)
          ? { ...ref, tag: '', digest: tag }
          : { ...parseReference(`${ref.repo}:${tag}`), digest: '' };
      }
    } catch (e) {
      invalidReference(e, 400);
    }
    // Credentials are optional for a pull: a header the daemon cannot read counts as none.
    void authFromHeader(req.headers['x-registry-auth']);
    const { lines } = pullImage(engine, ref);
    return progressStream(pullMessages(lines));
  }),
  get('/images/{name:.*}/json', ({ engine, params }) => {
    try {
      return goJsonResponse(200, imageView(engine, getImage(engine, params.name!)));
    } catch (e) {
      if (e instanceof EngineError && e.status === 404)
        throw notFound(`no such image: ${params.name}: ${e.message}`);
      throw e;
    }
  }),
  // Unlike inspect, history returns the image store's not-found error as it is.
  get('/images/{name:.*}/history', ({ engine, params }) =>
    jsonResponse(200, imageHistory(engine, getImage(engine, params.name!))),
  ),
  post('/images/{name:.*}/tag', ({ engine, req, params }) => {
    const repo = req.query.get('repo') ?? '';
    const tag = req.query.get('tag') ?? '';
    getImage(engine, params.name!);
    let target = repo;
    try {
      const parsed = parseReference(repo);
      // `reference.WithTag` checks the tag on its own, before the joined reference is parsed.
      if (tag !== '' && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
        throw new ApiError(500, 'invalid tag format');
      }
      if (tag !== '') target = `${parsed.repo}:${tag}`;
      parseReference(target);
    } catch (e) {
      invalidReference(e, 500);
    }
    tagImage(engine, params.name!, target);
    return emptyResponse(201);
  }),
  post('/images/{name:.*}/push', ({ engine, req, params }) => {
    const header = req.headers['x-registry-auth'];
    let auth = emptyAuthConfig();
    if (header) auth = authFromHeader(header);
    else {
      // The old form: credentials in the body. No header and no body is Docker's 400.
      let body: unknown;
      try {
        body = decodeGoJson(req.body.toString('utf8'), AUTH_CONFIG);
      } catch (e) {
        const why = e instanceof JsonEOF ? 'EOF' : e instanceof JsonDecodeError ? e.message : String(e);
        throw new ApiError(400, `Bad parameters and missing X-Registry-Auth: ${why}`);
      }
      for (const k of AUTH_CONFIG_FIELDS) {
        const v = field(body, k);
        if (typeof v === 'string') auth[k] = v;
      }
    }
    return progressStream(pushImage(engine, params.name!, req.query.get('tag') ?? '', auth));
  }),
  del('/images/{name:.*}', ({ engine, req, params }) => {
    if (params.name === '') throw new ApiError(400, 'image name cannot be blank');
    const lines = removeImage(engine, params.name!, boolValue(req, 'force'));
    return jsonResponse(
      200,
      lines.map((l) => (l.startsWith('Untagged: ') ? { Untagged: l.slice(10) } : { Deleted: l.slice(9) })),
    );
  }),
  post('/images/prune', ({ engine, req }) => {
    const filters = parseFiltersParam(req);
    const all = (filters.dangling ?? []).some((v) => v === 'false' || v === '0');
    const { deleted, reclaimed } = pruneImages(engine, all);
    const items = deleted.map((l) =>
      l.startsWith('untagged: ') ? { Untagged: l.slice(10) } : { Deleted: l.slice(9) },
    );
    return jsonResponse(200, { ImagesDeleted: items.length ? items : null, SpaceReclaimed: reclaimed });
  }),
  post('/auth', ({ engine, req }) => {
    // postAuth decodes without the Content-Type check, and its decode errors are plain 500s.
    let body: unknown;
    try {
      body = decodeGoJson(req.body.toString('utf8'), AUTH_CONFIG);
    } catch (e) {
      if (e instanceof JsonEOF) throw new ApiError(500, 'EOF');
      if (e instanceof JsonDecodeError) throw new ApiError(500, e.message);
      throw e;
    }
    const cfg = emptyAuthConfig();
    for (const k of AUTH_CONFIG_FIELDS) {
      const v = field(body, k);
      if (typeof v === 'string') cfg[k] = v;
    }
    const r = registryLogin(engine, cfg);
    return jsonResponse(200, { IdentityToken: r.identityToken, Status: r.status });
  }),
];
