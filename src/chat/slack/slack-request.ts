/**
 * Slack payloads -> TutorRequest: a slash command or a button press becomes the same request the
 * console makes, with who asked (platform, team, user, roles) and how to answer (response URL).
 */
import type { Role, TutorRequest } from '../../core/types.ts';
import { buttonIdFromActionId } from '../render/slack-blocks.ts';

/** The fields of a slash command payload we use (api.slack.com/interactivity/slash-commands). */
export interface SlashCommandPayload {
  command: string;
  text: string;
  team_id: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  response_url: string;
  trigger_id: string;
  enterprise_id?: string;
}

/** The fields of a block_actions payload we use. */
export interface BlockActionPayload {
  trigger_id: string;
  team: { id: string } | null;
  user: { id: string; name?: string; username?: string };
  channel?: { id: string };
  response_url?: string;
  actions: Array<{ action_id: string; value?: string; action_ts?: string }>;
}

/** Slash commands the app registers; all reach the tutor as `/name args`. */
export const SLACK_COMMANDS = [
  'docker',
  'quiz',
  'lab',
  'topology',
  'sandbox',
  'api',
  'learn',
  'explain',
  'why',
] as const;

/** A course may install the commands under another name (`/docker-tutor`); the tutor sees ours. */
export function slashCommandToRequest(p: SlashCommandPayload, roles: Role[], now: number): TutorRequest {
  const name = p.command.replace(/^\//, '');
  const req: TutorRequest = {
    id: `slack:${p.team_id}:${p.trigger_id}`,
    identity: { platform: 'slack', workspace: p.team_id, userId: p.user_id, roles },
    channel: p.channel_id,
    text: `/${name}${p.text.trim() === '' ? '' : ` ${p.text.trim()}`}`,
    receivedAt: now,
    replyTo: { responseUrl: p.response_url, userId: p.user_id, channelId: p.channel_id },
  };
  if (p.user_name) req.identity.displayName = p.user_name;
  return req;
}

/**
 * A button press. A button whose value is a command (`/sandbox reset`) runs it; otherwise the text
 * is empty and the tutor decides from `action` alone (quiz answers).
 */
export function blockActionToRequest(p: BlockActionPayload, roles: Role[], now: number): TutorRequest | null {
  const action = p.actions[0];
  if (!action || !p.team) return null;
  const value = action.value ?? '';
  const channel = p.channel?.id ?? '';
  const req: TutorRequest = {
    id: `slack:${p.team.id}:${p.trigger_id}`,
    identity: { platform: 'slack', workspace: p.team.id, userId: p.user.id, roles },
    channel,
    text: value.startsWith('/') ? value : '',
    receivedAt: now,
    action: { id: buttonIdFromActionId(action.action_id), value },
    replyTo: { userId: p.user.id, channelId: channel },
  };
  if (p.response_url) req.replyTo!.responseUrl = p.response_url;
  const name = p.user.name ?? p.user.username;
  if (name) req.identity.displayName = name;
  return req;
}
