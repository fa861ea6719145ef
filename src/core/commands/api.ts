/**
 * `/api`: the Engine API from chat. `/api METHOD PATH [JSON]` sends one request to the student's
 * own daemon (through the sandbox's curl on the docker socket, so the sim and dind backends answer
 * alike) and shows the status line and the body as pretty JSON; `/api explain-auth HEADER` decodes
 * an X-Registry-Auth value as the daemon would, with the password masked.
 */
import { decodeRegistryAuthHeader } from '../../engine/api/registry-auth-header.ts';
import { sandboxKey } from '../../sandbox/backend.ts';
import { registerSlashCommand, reply } from '../slash-commands.ts';
import { code, type ReplyBlock, text } from '../types.ts';

export const API_USAGE = [
  'Usage:',
  '  /api METHOD PATH [JSON]     send a request to your sandbox daemon, e.g. /api GET /v1.41/networks',
  '                              or /api POST /v1.41/networks/create {"Name":"apinet"}',
  '  /api explain-auth HEADER    decode an X-Registry-Auth value (password masked)',
].join('\n');

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD']);

/** A shell word in single quotes (the sandbox line is split as a POSIX shell splits it). */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The curl line that sends the request on the sandbox host. */
export function apiCurlLine(method: string, path: string, body: string): string {
  const parts = ['curl', '-s', '-i', '--unix-socket', '/var/run/docker.sock', '-X', method];
  if (body !== '') parts.push('-H', sq('Content-Type: application/json'), '--data-raw', sq(body));
  parts.push(sq(`http://localhost${path}`));
  return parts.join(' ');
}

/** `curl -i` output as a status line and a body, each JSON line of the body indented. */
export function formatApiResponse(raw: string): { status: string; body: string } {
  const sep = raw.indexOf('\r\n\r\n');
  const head = sep < 0 ? raw : raw.slice(0, sep);
  let body = sep < 0 ? '' : raw.slice(sep + 4);
  const status = head.split('\r\n')[0] ?? '';
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length > 0) {
    try {
      body = lines.map((l) => JSON.stringify(JSON.parse(l), null, 2)).join('\n');
    } catch {
      // Not JSON (`OK` from /_ping, a raw stream): shown as it came.
    }
  }
  return { status, body };
}

/** The explanation of one X-Registry-Auth value. */
export function explainAuth(header: string): string {
  const r = decodeRegistryAuthHeader(header.trim());
  const out: string[] = [];
  if (!r.ok) {
    out.push(`The daemon cannot read this header: ${r.error}.`);
    if (r.decoded) out.push(`It decoded this much: ${mask(r.decoded)}`);
    out.push(
      'Docker then goes on with no credentials at all: a pull works only for public images, a push is refused by the registry.',
      'Encode the JSON as base64url (- and _ instead of + and /), keeping the = padding.',
    );
    return out.join('\n');
  }
  const shown: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.config)) {
    if (v === '') continue;
    shown[k] =
      k === 'password' || k === 'auth'
        ? '********'
        : k === 'identitytoken' || k === 'registrytoken'
          ? `${v.slice(0, 8)}…`
          : v;
  }
  out.push(JSON.stringify(shown, null, 2));
  if (r.config.identitytoken)
    out.push('An identity token (from POST /auth) stands in for the username and password.');
  else if (!r.config.username && !r.config.auth)
    out.push('No username: the registry sees an anonymous client.');
  if (!r.config.serveraddress)
    out.push('No serveraddress: the daemon uses the registry named in the image reference.');
  return out.join('\n');
}

/** Passwords masked in a JSON text that may be cut short. */
function mask(s: string): string {
  return s.replace(/("(?:password|auth)"\s*:\s*")[^"]*("?)/gi, '$1********$2');
}

registerSlashCommand('api', {
  summary: 'send an Engine API request to your sandbox, or decode an X-Registry-Auth header',
  usage: '/api GET /v1.41/networks',
  handler: async (req, args, deps) => {
    const trimmed = args.trim();
    const [first = '', ...rest] = trimmed.split(/\s+/);
    if (first === 'explain-auth') {
      if (rest.length === 0) return reply(req, text(API_USAGE));
      return reply(req, code(explainAuth(rest.join(''))));
    }
    const method = first.toUpperCase();
    const m = /^\S+\s+(\S+)\s*([\s\S]*)$/.exec(trimmed);
    if (!METHODS.has(method) || !m || !m[1]!.startsWith('/')) return reply(req, text(API_USAGE));
    const path = m[1]!;
    const body = m[2]!.trim();
    if (body !== '') {
      try {
        JSON.parse(body);
      } catch (e) {
        return reply(
          req,
          text(`That body is not JSON (${(e as Error).message}). ${API_USAGE.split('\n')[2]!.trim()}`),
        );
      }
    }
    const key = sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);
    const result = await deps.backend.exec(key, apiCurlLine(method, path, body));
    const blocks: ReplyBlock[] = [];
    if (result.notice) blocks.push(text(result.notice));
    if (result.exitCode !== 0) {
      blocks.push(code(result.output || `curl exited with ${result.exitCode}`));
      return reply(req, ...blocks);
    }
    const { status, body: shown } = formatApiResponse(result.output);
    blocks.push(text(`${method} ${path} → ${status.replace(/^HTTP\/1\.1 /, '')}`));
    if (shown !== '') blocks.push(code(shown));
    return reply(req, ...blocks);
  },
});
