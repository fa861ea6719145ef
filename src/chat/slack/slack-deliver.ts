/**
 * Delivers a TutorReply to Slack. The message goes to the command's response URL (works in any
 * channel, even where the app is not a member, and can be ephemeral), or through the Web API
 * when there is none. Files (images, long output) are uploaded with files.uploadV2: into the
 * channel for public replies, into the student's DM with the app for private ones, since an
 * ephemeral message cannot carry a file. Failures are retried with backoff; a reply that still
 * cannot be delivered is recorded as a dead letter and logged, never dropped silently.
 *
 * It needs only the request and a bot token, so a worker process can deliver what a bot
 * process received.
 */
import type { types, webApi } from '@slack/bolt';
import type { TutorReply, TutorRequest } from '../../core/types.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import type { Attachment } from '../render/attachments.ts';
import { type DeadLetters, deadLetterFor } from '../render/dead-letters.ts';
import type { ChatLog } from '../render/log.ts';
import { DEFAULT_RETRY, postJson, type RetryOptions, redact, withRetry } from '../render/retry.ts';
import { renderSlack } from '../render/slack-blocks.ts';
import { slackCall } from './slack-web.ts';

/** The Web API methods delivery uses (a WebClient, or a fake with the same shape). */
export interface SlackWebApi {
  chat: {
    postMessage(args: { channel: string; text: string; blocks: types.KnownBlock[] }): Promise<unknown>;
    postEphemeral(args: {
      channel: string;
      user: string;
      text: string;
      blocks: types.KnownBlock[];
    }): Promise<unknown>;
  };
  conversations: { open(args: { users: string }): Promise<{ channel?: { id?: string } }> };
  filesUploadV2(args: webApi.FilesUploadV2Arguments): Promise<unknown>;
}

export interface SlackDeliverOptions {
  web: SlackWebApi;
  deadLetters: DeadLetters;
  log: ChatLog;
  /** For response URLs. Default the global fetch. */
  fetch?: typeof fetch;
  retry?: Partial<RetryOptions>;
  now?: () => number;
}

export function createSlackDeliver(opts: SlackDeliverOptions): Deliver {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...opts.retry };
  const fetchFn = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;

  return async (reply: TutorReply, req: TutorRequest): Promise<void> => {
    const msg = renderSlack(reply);
    const userId = req.replyTo?.userId ?? req.identity.userId;
    const channel = req.replyTo?.channelId ?? req.channel;
    const isPublic = reply.visibility === 'public';
    if (!isPublic && msg.files.length > 0) {
      msg.blocks.push({
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'The attached files are in your direct messages with the tutor.' },
        ],
      });
    }
    const onRetry = (attempt: number, e: unknown, delayMs: number) =>
      opts.log.warn(
        { requestId: req.id, attempt, delayMs, err: (e as Error).message },
        'slack delivery retry',
      );

    const fail = async (stage: string, e: unknown) => {
      const reason = `${stage}: ${(e as Error).message ?? String(e)}`;
      opts.log.error(
        { requestId: req.id, userId, channel, reason },
        'slack reply undeliverable, dead-lettered',
      );
      await opts.deadLetters.record(deadLetterFor(req, reply, reason, now()));
    };

    try {
      const responseUrl = req.replyTo?.responseUrl;
      if (responseUrl) {
        const body = {
          response_type: isPublic ? 'in_channel' : 'ephemeral',
          replace_original: false,
          text: msg.text,
          blocks: msg.blocks,
        };
        await withRetry(
          `response_url ${redact(responseUrl)}`,
          () => postJson(fetchFn, responseUrl, body),
          retry,
          onRetry,
        );
      } else if (isPublic) {
        await withRetry(
          'chat.postMessage',
          () => slackCall(() => opts.web.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks })),
          retry,
          onRetry,
        );
      } else {
        await withRetry(
          'chat.postEphemeral',
          () =>
            slackCall(() =>
              opts.web.chat.postEphemeral({ channel, user: userId, text: msg.text, blocks: msg.blocks }),
            ),
          retry,
          onRetry,
        );
      }
    } catch (e) {
      await fail('message', e);
      return;
    }

    if (msg.files.length === 0) return;
    try {
      await withRetry(
        'files.uploadV2',
        () => slackCall(() => uploadFiles(opts.web, msg.files, isPublic ? channel : null, userId)),
        retry,
        onRetry,
      );
    } catch (e) {
      await fail('files', e);
    }
  };
}

async function uploadFiles(
  web: SlackWebApi,
  files: Attachment[],
  channel: string | null,
  userId: string,
): Promise<void> {
  let target = channel;
  if (target === null) {
    const dm = await web.conversations.open({ users: userId });
    target = dm.channel?.id ?? null;
    if (!target) throw new Error('conversations.open returned no channel');
  }
  await web.filesUploadV2({
    channel_id: target,
    file_uploads: files.map((f) => ({ file: Buffer.from(f.data), filename: f.name, title: f.title })),
  });
}
