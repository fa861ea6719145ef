/**
 * Tutoring's slash commands and `/docker` hooks: `/learn`, `/explain`, `/why`, `--explain` and
 * hints. `src/core/tutor.ts` imports this module once.
 */
import { registerDockerHook } from '../core/docker-hooks.ts';
import { registerSlashCommand, reply } from '../core/slash-commands.ts';
import { sandboxKey } from '../sandbox/backend.ts';
import { ShellSyntaxError, splitWords } from '../shell/split-words.ts';
import { explainHook, hintHook } from './docker-extras.ts';
import { explainText } from './explain-command.ts';
import { learnBlocks } from './learn.ts';
import { courseLessons } from './lessons.ts';
import { whyCommand } from './why.ts';

registerSlashCommand('learn', {
  summary: 'short lessons on Docker networking and the Engine API, with commands to try',
  usage: '/learn bridge',
  handler: async (req, args) => reply(req, ...learnBlocks(courseLessons(), args)),
});

registerSlashCommand('explain', {
  summary: 'what a docker command does, flag by flag, without running it',
  usage: '/explain docker network create --subnet 10.1.0.0/16 app',
  handler: async (req, args) => {
    let words: string[];
    try {
      words = splitWords(args);
    } catch (e) {
      if (e instanceof ShellSyntaxError)
        return reply(req, {
          kind: 'text',
          text: `Unbalanced quotes: close every ' and " you open, then try again.`,
        });
      throw e;
    }
    if (words[0] === 'docker') words = words.slice(1);
    if (words.length === 0)
      return reply(req, {
        kind: 'text',
        text: 'Usage: /explain docker COMMAND [FLAGS], for example /explain docker network create --internal back',
      });
    return reply(req, { kind: 'text', text: explainText(words) });
  },
});

registerSlashCommand('why', {
  summary: 'why one container can or cannot reach another',
  usage: '/why web db',
  handler: async (req, args, deps) => {
    const key = sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);
    return reply(req, { kind: 'text', text: await whyCommand(deps.backend, key, args) });
  },
});

registerDockerHook(explainHook);
registerDockerHook(hintHook);
