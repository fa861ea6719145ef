/**
 * Discord's REST API as a local recorder: interaction callbacks, webhook edits and follow-ups,
 * channel messages and command registration. Raw interaction payloads for the gateway path.
 */
import { type Recorder, startRecorder } from './recorder.ts';

export interface FakeDiscord extends Recorder {
  apiUrl: string;
}

export async function startFakeDiscord(): Promise<FakeDiscord> {
  let seq = 0;
  const rec = await startRecorder((req) => {
    const path = req.path.split('?')[0]!;
    if (/^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return { status: 204, body: '' };
    if (/^\/api\/v10\/webhooks\//.test(path) || /^\/api\/v10\/channels\/\d+\/messages$/.test(path)) {
      return { status: 200, body: { id: String(++seq), channel_id: '1', content: '', type: 0 } };
    }
    if (/^\/api\/v10\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path) && req.method === 'PUT') {
      const body = req.body as Array<{ name: string }>;
      return { status: 200, body: body.map((c, i) => ({ id: String(1000 + i), ...c })) };
    }
    return null;
  });
  return Object.assign(rec, { apiUrl: `${rec.url}/api` });
}

export const APP_ID = '111111111111111111';
export const GUILD_ID = '222222222222222222';
export const CHANNEL_ID = '333333333333333333';

let interactionSeq = 500000000000000000n;

function user(id: string) {
  return { id, username: `user${id.slice(-3)}`, discriminator: '0', global_name: null, avatar: null };
}

function common(userId: string, roles: string[]) {
  const id = String(++interactionSeq);
  return {
    id,
    application_id: APP_ID,
    token: `tok-${id}`,
    version: 1,
    guild_id: GUILD_ID,
    channel_id: CHANNEL_ID,
    channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'general' },
    member: {
      user: user(userId),
      roles,
      joined_at: '2024-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      permissions: '0',
    },
    app_permissions: '0',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
  };
}

/** A CHAT_INPUT application command interaction, as the gateway delivers it. */
export function commandInteraction(
  name: string,
  option: string | null,
  value: string | null,
  userId = '444444444444444444',
  roles: string[] = [],
) {
  return {
    ...common(userId, roles),
    type: 2,
    data: {
      id: '9999',
      name,
      type: 1,
      options: option && value !== null ? [{ name: option, type: 3, value }] : [],
    },
  };
}

export function buttonInteraction(customId: string, userId = '444444444444444444', roles: string[] = []) {
  return {
    ...common(userId, roles),
    type: 3,
    message: {
      id: '777',
      channel_id: CHANNEL_ID,
      type: 0,
      content: '',
      author: user(APP_ID),
      embeds: [],
      attachments: [],
      components: [],
      timestamp: '2024-01-01T00:00:00.000Z',
      edited_timestamp: null,
      flags: 64,
      mentions: [],
      mention_roles: [],
      pinned: false,
      mention_everyone: false,
      tts: false,
    },
    data: { custom_id: customId, component_type: 2 },
  };
}
