/**
 * Adds /quiz, /lab, /course and the TA form of /sandbox to the tutor (`src/core/commands/index.ts`
 * imports this file).
 */
import { registerSlashCommand, slashCommand } from '../core/slash-commands.ts';
import { labCommand } from '../labs/commands.ts';
import { quizCommand } from '../quiz/commands.ts';
import { courseCommand, sandboxCommand } from './commands.ts';

registerSlashCommand('quiz', {
  summary: 'practice questions, the daily quiz and leaderboards',
  usage: '/quiz, /quiz leaderboard',
  handler: quizCommand,
});
registerSlashCommand('lab', {
  summary: 'guided labs checked in your sandbox',
  usage: '/lab list, /lab start none-isolation, /lab check',
  handler: labCommand,
});
registerSlashCommand('course', {
  summary: 'TAs: course progress (table and CSV) and the audit log',
  usage: '/course progress',
  handler: courseCommand,
});

registerSlashCommand('sandbox', {
  summary: 'reset your sandbox (`/sandbox reset`; TAs: `/sandbox reset @student|all`)',
  usage: '/sandbox reset',
  handler: sandboxCommand,
});

/** Kept for callers from when tutor.ts had a /sandbox of its own: registration is now at import. */
export function ensureSandboxCommand(): void {
  if (slashCommand('sandbox')?.handler === sandboxCommand) return;
  registerSlashCommand('sandbox', {
    summary: 'reset your sandbox (`/sandbox reset`; TAs: `/sandbox reset @student|all`)',
    usage: '/sandbox reset',
    handler: sandboxCommand,
  });
}
