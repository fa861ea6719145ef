/**
 * Discord's HTTP interactions endpoint (the alternative to receiving interactions over the
 * gateway): `POST /discord/interactions` on PORT when DISCORD_PUBLIC_KEY is set. Every request
 * must carry a valid Ed25519 signature of `timestamp + body` by the application's key, and a
 * timestamp within 5 minutes; anything else gets 401 before the body is even parsed. PING is
 * answered with PONG; commands and buttons go through the bot's one interaction handler, their
 * deferral (type 5) being the HTTP response itself.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ChatLog } from '../render/log.ts';
import type { DiscordBot } from './discord-bot.ts';
import type { Deferred } from './discord-request.ts';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

/** Requests older (or newer) than this are refused: a captured request cannot be replayed later. */
export const MAX_SIGNATURE_AGE_SEC = 5 * 60;

/** Interactions are small; anything bigger is not from Discord. */
const MAX_BODY_BYTES = 1 << 20;

/** An Ed25519 key's raw 32 bytes wrapped as SPKI DER (the fixed prefix is the algorithm's OID). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key as Discord shows it (64 hex digits). */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('DISCORD_PUBLIC_KEY must be 64 hex digits');
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'invalid';

/** Checks Discord's `X-Signature-Ed25519` / `X-Signature-Timestamp` over the raw body. */
export function checkDiscordSignature(
  key: KeyObject,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  nowMs: number,
): SignatureCheck {
  if (!signatureHex || !timestamp) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'invalid';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_SEC) return 'stale';
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return 'invalid';
  const signed = Buffer.concat([Buffer.from(timestamp), body]);
  return verify(null, signed, key, Buffer.from(signatureHex, 'hex')) ? 'ok' : 'invalid';
}

export interface DiscordInteractionsServerOptions {
  publicKey: KeyObject;
  bot: Pick<DiscordBot, 'handleRaw'>;
  log: ChatLog;
  now?: () => number;
}

const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3 } as const;
const ResponseType = { Pong: 1, ChannelMessage: 4, DeferredChannelMessage: 5 } as const;
const EPHEMERAL = 64;

function send(res: ServerResponse, status: number, body: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (res.headersSent) return resolve();
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    });
    res.end(text, () => resolve());
  });
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The request handler: the endpoint and `GET /healthz`; everything else is 404. */
export function discordInteractionsHandler(
  opts: DiscordInteractionsServerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const now = opts.now ?? Date.now;
  const { log } = opts;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok\n');
    if (path !== DISCORD_INTERACTIONS_PATH) return send(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });

    const body = await readBody(req);
    if (body === null) return send(res, 413, { error: 'request body too large' });
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const check = checkDiscordSignature(
      opts.publicKey,
      header('x-signature-ed25519'),
      header('x-signature-timestamp'),
      body,
      now(),
    );
    if (check !== 'ok') {
      log.warn({ check, remote: req.socket.remoteAddress }, 'discord interaction refused: bad signature');
      return send(res, 401, { error: 'invalid request signature' });
    }

    let raw: { id?: unknown; type?: unknown };
    try {
      raw = JSON.parse(body.toString('utf8')) as typeof raw;
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
    if (raw.type === InteractionType.Ping) return send(res, 200, { type: ResponseType.Pong });
    if (
      (raw.type === InteractionType.ApplicationCommand || raw.type === InteractionType.MessageComponent) &&
      typeof raw.id === 'string'
    ) {
      const ack = (deferred: Deferred) =>
        send(res, 200, {
          type: ResponseType.DeferredChannelMessage,
          data: { flags: deferred === 'ephemeral' ? EPHEMERAL : 0 },
        });
      const handled = await opts.bot.handleRaw(raw as { id: string }, ack);
      // Handled without a deferral (an unknown command, a stale button): say so rather than
      // leave Discord showing "the application did not respond".
      if (!res.headersSent) {
        log.info({ interaction: raw.id, handled }, 'discord interaction not for the tutor');
        return send(res, 200, {
          type: ResponseType.ChannelMessage,
          data: { content: 'The tutor does not know this command or button.', flags: EPHEMERAL },
        });
      }
      return;
    }
    return send(res, 400, { error: 'unsupported interaction type' });
  }

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.error({ err: (e as Error).message }, 'discord interactions endpoint failed');
      void send(res, 500, { error: 'internal error' });
    });
  };
}

/** Listens on `port` (PORT) and resolves once listening. */
export async function startDiscordInteractionsServer(
  opts: DiscordInteractionsServerOptions & { port: number; host?: string },
): Promise<Server> {
  const server = createServer(discordInteractionsHandler(opts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
