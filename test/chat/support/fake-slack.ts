/**
 * Slack's Web API and response URLs as a local recorder: auth.test, conversations.open, the
 * external upload flow (files.getUploadURLExternal, the upload URL, files.completeUploadExternal),
 * usergroups.users.list, chat.postMessage/postEphemeral, apps.connections.open (Socket Mode), and `/response/...` for response URLs.
 */
import { createHmac } from 'node:crypto';
import { type Recorder, startRecorder } from './recorder.ts';

export interface FakeSlack extends Recorder {
  apiUrl: string;
  responseUrl(name: string): string;
  /** Bodies posted to response URLs, newest last. */
  responses(): Array<{ path: string; body: Record<string, unknown> }>;
}

export async function startFakeSlack(
  opts: {
    taGroupMembers?: string[] /** What apps.connections.open hands out (Socket Mode). */;
    socketUrl?: string;
  } = {},
): Promise<FakeSlack> {
  let fileSeq = 0;
  const rec = await startRecorder((req, base) => {
    const path = req.path.split('?')[0]!;
    if (path.startsWith('/response/')) return { status: 200, body: 'ok' };
    if (path.startsWith('/upload/')) return { status: 200, body: 'OK' };
    switch (path) {
      case '/api/auth.test':
        return {
          status: 200,
          body: {
            ok: true,
            url: 'https://test.slack.com/',
            team: 'Course',
            user: 'tutor',
            team_id: 'T1',
            user_id: 'UBOT',
            bot_id: 'BBOT',
          },
        };
      case '/api/apps.connections.open':
        return opts.socketUrl
          ? { status: 200, body: { ok: true, url: opts.socketUrl } }
          : { status: 200, body: { ok: false, error: 'not_allowed_token_type' } };
      case '/api/conversations.open':
        return { status: 200, body: { ok: true, channel: { id: 'DSTUDENT' } } };
      case '/api/files.getUploadURLExternal': {
        const id = `F${++fileSeq}`;
        return { status: 200, body: { ok: true, upload_url: `${base}/upload/${id}`, file_id: id } };
      }
      case '/api/files.completeUploadExternal':
        return { status: 200, body: { ok: true, files: [{ id: 'F1' }] } };
      case '/api/usergroups.users.list':
        return { status: 200, body: { ok: true, users: opts.taGroupMembers ?? [] } };
      case '/api/chat.postMessage':
      case '/api/chat.postEphemeral':
        return { status: 200, body: { ok: true, ts: '1.0', message_ts: '1.0' } };
      default:
        return null;
    }
  });
  return Object.assign(rec, {
    apiUrl: `${rec.url}/api/`,
    responseUrl: (name: string) => `${rec.url}/response/${name}`,
    responses: () =>
      rec.requests
        .filter((r) => r.path.startsWith('/response/'))
        .map((r) => ({ path: r.path, body: r.body as Record<string, unknown> })),
  });
}

/** Signs a body as Slack does: v0=HMAC-SHA256(secret, `v0:${ts}:${body}`). */
export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id?: string;
  team_id?: string;
  channel_id?: string;
  response_url: string;
  trigger_id?: string;
}

export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: f.team_id ?? 'T1',
    team_domain: 'course',
    channel_id: f.channel_id ?? 'C1',
    channel_name: 'general',
    user_id: f.user_id ?? 'U1',
    user_name: 'student',
    command: f.command,
    text: f.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: f.response_url,
    trigger_id: f.trigger_id ?? `trig-${Math.random().toString(36).slice(2)}`,
  }).toString();
}

/** POSTs a body to the receiver, signed (or not) as a test wants. */
export async function postSigned(
  url: string,
  body: string,
  opts: { secret?: string; timestampSec?: number; signature?: string; contentType?: string } = {},
): Promise<Response> {
  const ts = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
  };
  if (opts.secret !== undefined || opts.signature !== undefined) {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = opts.signature ?? slackSignature(opts.secret!, ts, body);
  }
  return fetch(url, { method: 'POST', headers, body });
}
