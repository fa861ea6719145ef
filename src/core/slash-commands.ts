/**
 * The slash-command registry, apart from the tutor so that feature modules (`/learn`, `/quiz`...)
 * can register themselves when `tutor.ts` imports them, without an import cycle.
 */
import type { SandboxBackend } from '../sandbox/backend.ts';
import type { TutorReply, TutorRequest } from './types.ts';

export interface TutorDeps {
  backend: SandboxBackend;
}

export type SlashHandler = (req: TutorRequest, args: string, deps: TutorDeps) => Promise<TutorReply>;

export interface SlashCommand {
  summary: string;
  usage: string;
  handler: SlashHandler;
  taOnly?: boolean;
  /** Longest message this command reads (default MAX_MESSAGE_CHARS); `/compose save` takes whole files. */
  maxChars?: number;
}

const commands = new Map<string, SlashCommand>();

/** Adds a slash command (`/quiz`, `/lab`...) to the tutor. */
export function registerSlashCommand(name: string, cmd: SlashCommand): void {
  commands.set(name, cmd);
}

export function slashCommand(name: string): SlashCommand | undefined {
  return commands.get(name);
}

export function slashCommands(): ReadonlyMap<string, SlashCommand> {
  return commands;
}

/** A private reply to `req`. */
export function reply(req: TutorRequest, ...blocks: TutorReply['blocks']): TutorReply {
  return { requestId: req.id, visibility: 'private', blocks };
}
