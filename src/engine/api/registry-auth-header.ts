/**
 * `X-Registry-Auth`, read as the daemon reads it: `base64.NewDecoder(base64.URLEncoding, header)`
 * feeding `json.NewDecoder(...).Decode(&authConfig)`. So a header whose base64 breaks off still
 * works if the JSON object was complete before the break, unpadded base64 loses its last partial
 * group (usually the closing brace), and standard base64 (`+`, `/`) fails where those appear.
 * Push and pull then go on with empty credentials, as Docker does; `explain` says why.
 */
import { AUTH_CONFIG_FIELDS, type AuthConfig, emptyAuthConfig } from '../registry/auth-config.ts';
import { decodeGoJson, field, JsonDecodeError, JsonEOF, T } from './go-decode.ts';

const AUTH_CONFIG_TYPE = T.struct(
  'AuthConfig',
  Object.fromEntries(AUTH_CONFIG_FIELDS.map((k) => [k, T.string])),
);

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export type HeaderDecode =
  | { ok: true; config: AuthConfig; json: unknown }
  | { ok: false; error: string; decoded: string };

/**
 * Go's streaming base64url decoder: the bytes it hands on before it stops, and why it stopped
 * (null at a clean end). `\r` and `\n` are skipped as Go skips them.
 */
export function decodeBase64UrlLikeGo(text: string): { bytes: Buffer; error: string | null } {
  const out: number[] = [];
  const chars = [...text].map((c, i) => ({ c, i })).filter(({ c }) => c !== '\r' && c !== '\n');
  for (let q = 0; q < chars.length; q += 4) {
    const quantum = chars.slice(q, q + 4);
    if (quantum.length < 4) return { bytes: Buffer.from(out), error: 'unexpected EOF' };
    const vals: number[] = [];
    let pad = 0;
    for (let j = 0; j < 4; j++) {
      const { c, i } = quantum[j]!;
      if (c === '=') {
        // Padding is only allowed in the last two places of the last quantum.
        if (j < 2 || (j === 2 && quantum[3]!.c !== '=') || q + 4 < chars.length) {
          return { bytes: Buffer.from(out), error: `illegal base64 data at input byte ${i}` };
        }
        pad++;
        continue;
      }
      const v = URL_ALPHABET.indexOf(c);
      if (v < 0 || pad > 0)
        return { bytes: Buffer.from(out), error: `illegal base64 data at input byte ${i}` };
      vals.push(v);
    }
    const n = (vals[0]! << 18) | (vals[1]! << 12) | ((vals[2] ?? 0) << 6) | (vals[3] ?? 0);
    out.push((n >> 16) & 0xff);
    if (vals.length > 2) out.push((n >> 8) & 0xff);
    if (vals.length > 3) out.push(n & 0xff);
  }
  return { bytes: Buffer.from(out), error: null };
}

/** The header as the daemon understands it, or why it could not (the daemon then uses no credentials). */
export function decodeRegistryAuthHeader(header: string): HeaderDecode {
  const { bytes, error } = decodeBase64UrlLikeGo(header);
  const decoded = bytes.toString('utf8');
  let json: unknown;
  try {
    json = decodeGoJson(decoded, AUTH_CONFIG_TYPE);
  } catch (e) {
    // An incomplete value with a base64 error behind it reports the base64 error, as Go's Decoder does.
    if (error && (e instanceof JsonEOF || (e instanceof JsonDecodeError && e.message === 'unexpected EOF'))) {
      return { ok: false, error, decoded };
    }
    if (e instanceof JsonEOF) return { ok: false, error: error ?? 'EOF', decoded };
    if (e instanceof JsonDecodeError) return { ok: false, error: e.message, decoded };
    throw e;
  }
  const config = emptyAuthConfig();
  for (const k of AUTH_CONFIG_FIELDS) {
    const v = field(json, k);
    if (typeof v === 'string') config[k] = v;
  }
  return { ok: true, config, json };
}

/** The credentials the daemon uses for a push or pull: a header it cannot read counts as none. */
export function authFromHeader(header: string | undefined): AuthConfig {
  if (!header) return emptyAuthConfig();
  const r = decodeRegistryAuthHeader(header);
  return r.ok ? r.config : emptyAuthConfig();
}

/** The header a client builds: base64url of the JSON, with padding (as the docker CLI sends it). */
export function encodeRegistryAuthHeader(cfg: Partial<AuthConfig>): string {
  return Buffer.from(JSON.stringify(cfg)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
