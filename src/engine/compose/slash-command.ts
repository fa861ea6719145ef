/**
 * `/compose`: the compose files of a student's sandbox.
 *   /compose list               the presets and your own files
 *   /compose show NAME          a file's text
 *   /compose save NAME <YAML>   saves ~/NAME/docker-compose.yml (the YAML pasted after the name,
 *                               or an attached file the adapter passes as text)
 * Files go into the simulated sandbox's state; `docker compose -f NAME/docker-compose.yml up -d`
 * then uses them.
 */
import { registerSlashCommand, reply } from '../../core/slash-commands.ts';
import { code, type TutorRequest, text } from '../../core/types.ts';
import { type SandboxBackend, sandboxKey } from '../../sandbox/backend.ts';
import type { Engine } from '../engine.ts';
import { readHostFile } from './host-files.ts';
import { composeProjects, MAX_COMPOSE_BYTES, saveComposeFile } from './save-file.ts';

export const COMPOSE_USAGE = [
  'Usage:',
  '  /compose list               the compose projects in your sandbox',
  '  /compose show NAME          the file ~/NAME/docker-compose.yml',
  '  /compose save NAME          then the YAML on the next lines (or attach the file):',
  '                              saves ~/NAME/docker-compose.yml (at most 64 kB)',
  'Then: /docker compose -f NAME/docker-compose.yml up -d',
].join('\n');

/** What an adapter may pass along with the text: attached files, already read as text. */
interface WithAttachments {
  attachments?: Array<{ name: string; text: string }>;
}

type EngineBackend = SandboxBackend & {
  withEngine<T>(key: string, fn: (engine: Engine) => T | Promise<T>): Promise<T>;
};

function engineBackend(b: SandboxBackend): EngineBackend | null {
  return typeof (b as Partial<EngineBackend>).withEngine === 'function' ? (b as EngineBackend) : null;
}

const keyOf = (req: TutorRequest) =>
  sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);

/** Code fences around pasted YAML (```yaml ... ```) are the chat's, not the file's. */
export function stripFences(s: string): string {
  const m = /^\s*```[a-zA-Z]*\n([\s\S]*?)\n?```\s*$/.exec(s);
  return m ? `${m[1]!}\n` : s;
}

registerSlashCommand('compose', {
  summary: 'your compose files: list, show, save your own',
  usage: '/compose list',
  // A pasted compose file may be up to 64 kB (plus the command itself).
  maxChars: 66_000,
  handler: async (req, args, deps) => {
    const m = /^\s*(\S*)[ \t]*(\S*)[ \t]*\r?\n?([\s\S]*)$/.exec(args);
    const sub = m?.[1] ?? '';
    const name = m?.[2] ?? '';
    const backend = engineBackend(deps.backend);
    if (!backend) {
      return reply(req, text('Compose files can be listed and saved in simulated sandboxes only, for now.'));
    }
    const key = keyOf(req);
    if (sub === 'list' || sub === '') {
      const { presets, saved } = await backend.withEngine(key, (e) => composeProjects(e));
      const lines = [
        `Course projects: ${presets.map((p) => `~/${p}`).join(', ') || '(none)'}`,
        `Yours: ${
          saved
            .filter((s) => !presets.includes(s))
            .map((p) => `~/${p}`)
            .join(', ') || '(none yet: /compose save NAME)'
        }`,
        'Run one: /docker compose -f NAME/docker-compose.yml up -d',
      ];
      return reply(req, text(lines.join('\n')));
    }
    if (sub === 'show' && name) {
      const content = await backend.withEngine(key, (e) =>
        readHostFile(e, `/root/${name}/docker-compose.yml`),
      );
      if (content === null)
        return reply(req, text(`There is no ~/${name}/docker-compose.yml. Try /compose list.`));
      return reply(req, code(content));
    }
    if (sub === 'save' && name) {
      const attached = (req as TutorRequest & WithAttachments).attachments?.[0];
      const body = attached ? attached.text : stripFences(m?.[3] ?? '');
      if (attached && Buffer.byteLength(attached.text) > MAX_COMPOSE_BYTES) {
        return reply(
          req,
          text(
            `${attached.name} is larger than ${MAX_COMPOSE_BYTES} bytes (64 kB); compose files here may not be.`,
          ),
        );
      }
      const result = await backend.withEngine(key, (e) => saveComposeFile(e, name, body));
      if (!result.ok) return reply(req, text(`Not saved. ${result.message}`));
      return reply(
        req,
        text(
          `Saved ~/${name}/docker-compose.yml. Start it with /docker compose -f ${name}/docker-compose.yml up -d`,
        ),
      );
    }
    return reply(req, text(COMPOSE_USAGE));
  },
});
