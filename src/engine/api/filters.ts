/**
 * The `filters` query parameter: `filters.FromJSON` of Docker 20.10. The JSON is
 * `{"key":{"value":true}}`, or the legacy `{"key":["value"]}`; the ops take `{key: [values]}`.
 */

import { ApiError } from './errors.ts';
import { JsonDecodeError, JsonEOF, parseGoJson } from './go-decode.ts';
import type { ApiRequest } from './http.ts';

export type Filters = Record<string, string[]>;

export function parseFiltersParam(req: ApiRequest, name = 'filters'): Filters {
  const raw = req.query.get(name) ?? '';
  if (raw === '') return {};
  let parsed: unknown;
  try {
    parsed = parseGoJson(raw);
  } catch (e) {
    if (e instanceof JsonDecodeError) throw new ApiError(400, e.message);
    if (e instanceof JsonEOF) throw new ApiError(400, 'unexpected end of JSON input');
    throw e;
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(
      400,
      `json: cannot unmarshal ${kindOf(parsed)} into Go value of type map[string]map[string]bool`,
    );
  }
  const out: Filters = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      // The legacy form: a list of strings.
      out[key] = value.map((v) => {
        if (typeof v !== 'string') {
          throw new ApiError(400, `json: cannot unmarshal ${kindOf(v)} into Go value of type string`);
        }
        return v;
      });
    } else if (value !== null && typeof value === 'object') {
      out[key] = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        if (typeof v !== 'boolean' && v !== null) {
          throw new ApiError(400, `json: cannot unmarshal ${kindOf(v)} into Go value of type bool`);
        }
        return k;
      });
    } else if (value === null) {
      out[key] = [];
    } else {
      throw new ApiError(
        400,
        `json: cannot unmarshal ${kindOf(value)} into Go value of type map[string]bool`,
      );
    }
  }
  return out;
}

function kindOf(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}
