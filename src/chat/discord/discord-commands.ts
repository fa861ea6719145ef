/**
 * The application commands the bot registers: the same names as on Slack, each with one text
 * option (`/docker command:<text>`), so the tutor receives `/docker network ls` from either.
 */
import { ApplicationCommandOptionType, type RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';

interface CommandSpec {
  name: string;
  description: string;
  option: string;
  optionDescription: string;
  required: boolean;
}

const SPECS: CommandSpec[] = [
  {
    name: 'docker',
    description: 'Run a docker command in your own sandbox',
    option: 'command',
    optionDescription: 'for example: network ls',
    required: true,
  },
  {
    name: 'quiz',
    description: 'Take or answer a quiz (posted in the channel)',
    option: 'args',
    optionDescription: 'what to do (empty: today’s quiz)',
    required: false,
  },
  {
    name: 'lab',
    description: 'Start or check a hands-on lab',
    option: 'args',
    optionDescription: 'lab name or action',
    required: false,
  },
  {
    name: 'topology',
    description: 'Show your sandbox’s networks and who can reach whom',
    option: 'args',
    optionDescription: 'options',
    required: false,
  },
  {
    name: 'sandbox',
    description: 'Manage your sandbox (reset)',
    option: 'action',
    optionDescription: 'for example: reset',
    required: false,
  },
  {
    name: 'api',
    description: 'Call the Docker Engine API in your sandbox',
    option: 'request',
    optionDescription: 'for example: GET /v1.41/networks',
    required: false,
  },
  {
    name: 'learn',
    description: 'A short lesson',
    option: 'topic',
    optionDescription: 'for example: bridge',
    required: false,
  },
  {
    name: 'explain',
    description: 'Explain a command or an output',
    option: 'topic',
    optionDescription: 'what to explain',
    required: false,
  },
  {
    name: 'why',
    description: 'Why did that happen?',
    option: 'question',
    optionDescription: 'your question',
    required: false,
  },
];

export const DISCORD_COMMAND_NAMES = SPECS.map((s) => s.name);

/** The option holding each command's text, by command name. */
export const DISCORD_COMMAND_OPTION: Record<string, string> = Object.fromEntries(
  SPECS.map((s) => [s.name, s.option]),
);

export function discordCommandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return SPECS.map((s) => ({
    name: s.name,
    description: s.description,
    // Usable in servers and in DMs with the bot.
    contexts: [0, 1],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: s.option,
        description: s.optionDescription,
        required: s.required,
        max_length: 4000,
      },
    ],
  }));
}
