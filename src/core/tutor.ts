/**
 * The tutor core: turns a TutorRequest into a TutorReply. It decides what a command means and
 * which sandbox it runs in; adapters only translate, backends only run.
 */

import { sandboxKey } from '../sandbox/backend.ts';
import { ShellSyntaxError, splitWords } from '../shell/split-words.ts';
import '../tutoring/index.ts';
import './commands/index.ts';
import { runDockerWithHooks } from './docker-hooks.ts';
import {
  registerSlashCommand,
  reply,
  slashCommand,
  slashCommands,
  type TutorDeps,
} from './slash-commands.ts';
import { code, type TutorReply, type TutorRequest, text } from './types.ts';

export { registerSlashCommand, reply, type SlashHandler, type TutorDeps } from './slash-commands.ts';

/** Longest message the tutor reads; chat platforms cap theirs near 4,000 characters too. */
export const MAX_MESSAGE_CHARS = 4096;
/** No command reads more than this, whatever it declares. */
export const HARD_MAX_MESSAGE_CHARS = 65_536;

const COMING = ['quiz', 'lab', 'topology', 'api', 'learn', 'explain', 'why', 'course'];

registerSlashCommand('docker', {
  summary: 'run a docker command in your own sandbox',
  usage: '/docker network ls',
  handler: async (req, args, deps) => {
    if (args.trim() === '') {
      return reply(
        req,
        text('Usage: /docker COMMAND, for example `/docker network ls`. Try /help for more.'),
      );
    }
    try {
      splitWords(args);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        return reply(
          req,
          text(`Unbalanced quotes in your command: close every ' and " you open, then try again.`),
        );
      }
      throw e;
    }
    const key = sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);
    const { result, after } = await runDockerWithHooks({ req, key, deps, args }, async (line) => ({
      result: await deps.backend.exec(key, `docker ${line}`),
      after: [],
    }));
    const blocks: TutorReply['blocks'] = [];
    if (result.notice) blocks.push(text(result.notice));
    blocks.push(code(result.output === '' ? '(no output)' : result.output));
    if (result.exitCode !== 0) blocks.push(text(`exit status ${result.exitCode}`));
    return reply(req, ...blocks, ...after);
  },
});

// /sandbox (reset your own sandbox; TAs reset others') lives in src/ta/.

registerSlashCommand('help', {
  summary: 'what the tutor can do',
  usage: '/help',
  handler: async (req) => {
    // /docker leads, whatever order feature modules registered in (they load before this file's body).
    const lines = [...slashCommands().entries()]
      .sort(([a], [b]) => Number(b === 'docker') - Number(a === 'docker'))
      .filter(([, c]) => !c.taOnly || req.identity.roles.includes('ta'))
      .map(([name, c]) => `/${name}: ${c.summary} (e.g. ${c.usage})`);
    for (const name of COMING) if (!slashCommand(name)) lines.push(`/${name}: coming soon`);
    return reply(
      req,
      text(
        `docker-tutor: learn Docker networking and the Engine API in your own sandbox.\n${lines.join('\n')}`,
      ),
    );
  },
});

export class Tutor {
  constructor(private readonly deps: TutorDeps) {}

  async handle(req: TutorRequest): Promise<TutorReply> {
    const raw = req.text;
    if (raw.length > HARD_MAX_MESSAGE_CHARS) {
      return reply(
        req,
        text(`That message is too long (${raw.length} characters; the limit is ${HARD_MAX_MESSAGE_CHARS}).`),
      );
    }
    const line = raw.trim();
    const limit = (line.startsWith('/') && slashCommand(commandName(line))?.maxChars) || MAX_MESSAGE_CHARS;
    if (raw.length > limit) {
      return reply(req, text(`That message is too long (${raw.length} characters; the limit is ${limit}).`));
    }
    if (line === '')
      return reply(req, text('Type /help to see what I can do, or /docker network ls to start.'));
    // A bare `docker ...` is what students type from habit: take it as /docker.
    const normalized = line.startsWith('docker ') || line === 'docker' ? `/${line}` : line;
    if (!normalized.startsWith('/')) {
      return reply(
        req,
        text('Commands start with a slash, like /docker network ls. Type /help for the list.'),
      );
    }
    const space = normalized.search(/\s/);
    const name = commandName(normalized);
    const args = space < 0 ? '' : normalized.slice(space + 1);
    const cmd = slashCommand(name);
    if (!cmd) {
      if (COMING.includes(name))
        return reply(req, text(`/${name} is coming soon. Type /help for what works today.`));
      const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
      return reply(req, text(`Unknown command /${shown}. Type /help for the list.`));
    }
    if (cmd.taOnly && !req.identity.roles.includes('ta')) {
      return reply(req, text(`/${name} is for TAs only.`));
    }
    try {
      return await cmd.handler(req, args, this.deps);
    } catch (e) {
      // A student never sees a stack trace; the log keeps it.
      console.error(`[tutor] /${name} failed:`, e);
      return reply(
        req,
        text('Something went wrong on our side running that command; it has been logged. Please try again.'),
      );
    }
  }
}

/** `/Docker network ls` -> `docker`. */
function commandName(line: string): string {
  const space = line.search(/\s/);
  return (space < 0 ? line.slice(1) : line.slice(1, space)).toLowerCase();
}
