/**
 * Delivers a TutorReply to Discord through the interaction's webhook: the deferred reply is
 * edited when the reply's visibility matches how it was deferred, otherwise the answer goes as
 * a follow-up (ephemeral or public) and the placeholder says where it went. Without an
 * interaction (a scheduled post), it posts to the channel with the bot token. Only the REST
 * client is needed, so a worker process can deliver what the gateway process received.
 * Failures are retried with backoff; what still fails is dead-lettered and logged.
 */
import { MessageFlags, type RawFile, type REST, Routes } from 'discord.js';
import type { TutorReply, TutorRequest } from '../../core/types.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import { type DeadLetters, deadLetterFor } from '../render/dead-letters.ts';
import { type DiscordMessage, renderDiscord } from '../render/discord-message.ts';
import type { ChatLog } from '../render/log.ts';
import { DEFAULT_RETRY, type RetryOptions, withRetry } from '../render/retry.ts';
import { discordCall } from './discord-rest.ts';

export interface DiscordDeliverOptions {
  rest: REST;
  deadLetters: DeadLetters;
  log: ChatLog;
  retry?: Partial<RetryOptions>;
  now?: () => number;
}

/** The JSON body and the files of a message, as the REST client sends them (multipart when files). */
export function discordPayload(
  msg: DiscordMessage,
  flags?: number,
): { body: Record<string, unknown>; files: RawFile[] } {
  const body: Record<string, unknown> = {
    content: msg.content,
    embeds: msg.embeds,
    components: msg.components,
    attachments: msg.files.map((f, id) => ({ id, filename: f.name, description: f.title.slice(0, 1024) })),
    // Output may contain @everyone or <@id>: never ping anyone.
    allowed_mentions: { parse: [] },
  };
  if (flags !== undefined) body.flags = flags;
  const files = msg.files.map((f) => ({ name: f.name, data: Buffer.from(f.data), contentType: f.mime }));
  return { body, files };
}

export function createDiscordDeliver(opts: DiscordDeliverOptions): Deliver {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...opts.retry };
  const now = opts.now ?? Date.now;
  const { rest } = opts;

  return async (reply: TutorReply, req: TutorRequest): Promise<void> => {
    const msg = renderDiscord(reply);
    const appId = req.replyTo?.applicationId;
    const token = req.replyTo?.interactionToken;
    const wantPublic = reply.visibility === 'public';
    const onRetry = (attempt: number, e: unknown, delayMs: number) =>
      opts.log.warn(
        { requestId: req.id, attempt, delayMs, err: (e as Error).message },
        'discord delivery retry',
      );
    const call = <T>(what: string, fn: () => Promise<T>) =>
      withRetry(what, () => discordCall(fn), retry, onRetry);

    try {
      if (!appId || !token) {
        const { body, files } = discordPayload(msg);
        await call('channel message', () => rest.post(Routes.channelMessages(req.channel), { body, files }));
        return;
      }
      const deferredPublic = req.replyTo?.deferred === 'public';
      if (deferredPublic === wantPublic) {
        const { body, files } = discordPayload(msg);
        await call('edit reply', () =>
          rest.patch(Routes.webhookMessage(appId, token, '@original'), { body, files, auth: false }),
        );
        return;
      }
      const { body, files } = discordPayload(msg, wantPublic ? 0 : MessageFlags.Ephemeral);
      await call('follow-up', () => rest.post(Routes.webhook(appId, token), { body, files, auth: false }));
      const where = wantPublic
        ? 'The answer is posted in the channel.'
        : 'The answer was sent to you privately.';
      // The answer is out; a placeholder left saying "thinking…" is untidy, not a lost reply.
      await call('edit placeholder', () =>
        rest.patch(Routes.webhookMessage(appId, token, '@original'), {
          body: { content: where },
          auth: false,
        }),
      ).catch((e: unknown) =>
        opts.log.warn({ requestId: req.id, err: (e as Error).message }, 'placeholder not updated'),
      );
    } catch (e) {
      const reason = (e as Error).message ?? String(e);
      opts.log.error(
        { requestId: req.id, userId: req.identity.userId, reason },
        'discord reply undeliverable, dead-lettered',
      );
      await opts.deadLetters.record(deadLetterFor(req, reply, reason, now()));
    }
  };
}
