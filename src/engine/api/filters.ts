/**
 * The `filters` query parameter: `filters.FromJSON` of Docker 20.10. The JSON is
 * `{"key":{"value":true}}`, or the legacy `{"key":["value"]}`; the ops take `{key: [values]}`.
 * 20.10 hands the decoder's error back unwrapped, so a bad parameter is a 500.
 */

import { ApiError } from './errors.ts';
import { decodeGoJson, JsonDecodeError, JsonEOF, T } from './go-decode.ts';
import type { ApiRequest } from './http.ts';

export type Filters = Record<string, string[]>;

const MODERN = T.map(T.map(T.bool));
const LEGACY = T.map(T.slice(T.string));

export function parseFiltersParam(req: ApiRequest, name = 'filters'): Filters {
  const raw = req.query.get(name) ?? '';
  if (raw === '') return {};
  let parsed: unknown;
  try {
    parsed = decodeGoJson(raw, MODERN);
  } catch (e) {
    if (e instanceof JsonEOF) throw new ApiError(500, 'unexpected end of JSON input');
    if (!(e instanceof JsonDecodeError)) throw e;
    // json.Unmarshal (not a Decoder) names a truncated value this way.
    if (e.message === 'unexpected EOF') throw new ApiError(500, 'unexpected end of JSON input');
    if (!e.message.startsWith('json: ')) throw new ApiError(500, e.message);
    // Not the map of maps: the legacy map of lists, else the first decoder's error.
    try {
      parsed = decodeGoJson(raw, LEGACY);
    } catch {
      throw new ApiError(500, e.message);
    }
  }
  if (parsed === null) return {};
  const out: Filters = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value)) out[key] = value as string[];
    else out[key] = value === null ? [] : Object.keys(value as Record<string, unknown>);
  }
  return out;
}
