/**
 * Discord interactions -> TutorRequest. The sandbox is per guild and user (`dm` for direct
 * messages); TA comes from the member's roles listed in DISCORD_TA_ROLES.
 */
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { Role, TutorRequest } from '../../core/types.ts';
import { parseCustomId } from '../render/discord-message.ts';
import { DISCORD_COMMAND_OPTION } from './discord-commands.ts';

/** Role IDs of the member, whether discord.js built a GuildMember or kept the raw API member. */
export function memberRoleIds(member: ChatInputCommandInteraction['member']): string[] {
  if (!member) return [];
  const roles = member.roles as unknown;
  if (Array.isArray(roles)) return roles.map(String);
  const cache = (roles as { cache?: Map<string, unknown> }).cache;
  return cache ? [...cache.keys()] : [];
}

export function rolesFor(roleIds: string[], taRoles: string[]): Role[] {
  return roleIds.some((r) => taRoles.includes(r)) ? ['student', 'ta'] : ['student'];
}

/** How the deferred reply was made, so delivery knows whether to edit it or follow up. */
export type Deferred = 'ephemeral' | 'public';

function base(
  i: ChatInputCommandInteraction | ButtonInteraction,
  taRoles: string[],
  deferred: Deferred,
  now: number,
): TutorRequest {
  return {
    id: `discord:${i.id}`,
    identity: {
      platform: 'discord',
      workspace: i.guildId ?? 'dm',
      userId: i.user.id,
      displayName: i.user.username,
      roles: rolesFor(memberRoleIds(i.member), taRoles),
    },
    channel: i.channelId,
    text: '',
    receivedAt: now,
    replyTo: { applicationId: i.applicationId, interactionToken: i.token, deferred },
  };
}

export function commandToRequest(
  i: ChatInputCommandInteraction,
  taRoles: string[],
  deferred: Deferred,
  now: number,
): TutorRequest {
  const req = base(i, taRoles, deferred, now);
  const option = DISCORD_COMMAND_OPTION[i.commandName];
  const args = option ? (i.options.getString(option) ?? '').trim() : '';
  req.text = `/${i.commandName}${args === '' ? '' : ` ${args}`}`;
  return req;
}

/** A button press; as on Slack, a button whose value is a command runs it. */
export function buttonToRequest(
  i: ButtonInteraction,
  taRoles: string[],
  deferred: Deferred,
  now: number,
): TutorRequest | null {
  const parsed = parseCustomId(i.customId);
  if (!parsed) return null;
  const req = base(i, taRoles, deferred, now);
  req.text = parsed.value.startsWith('/') ? parsed.value : '';
  req.action = parsed;
  return req;
}
