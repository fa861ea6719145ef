/** Registers the application commands for one guild (instant) or globally (up to an hour to show). */
import { type REST, Routes } from 'discord.js';
import { discordCommandDefinitions } from './discord-commands.ts';
import { discordCall } from './discord-rest.ts';

export async function registerDiscordCommands(
  rest: REST,
  applicationId: string,
  guildId?: string,
): Promise<{ count: number; scope: string }> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  // PUT replaces the whole set: commands removed here disappear from Discord too.
  const res = (await discordCall(() => rest.put(route, { body: discordCommandDefinitions() }))) as unknown[];
  return { count: Array.isArray(res) ? res.length : 0, scope: guildId ? `guild ${guildId}` : 'global' };
}
