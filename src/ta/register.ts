/**
 * Adds /quiz, /lab, /course and the TA form of /sandbox to the tutor (`src/core/commands/index.ts`
 * imports this file).
 */
import { registerSlashCommand } from '../core/slash-commands.ts';
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

// tutor.ts registers its own `/sandbox reset` after the modules it imports have run; this one
// (the same for a student, plus `@student|all` for TAs) replaces it once that module graph has
// finished evaluating, which is before any message can arrive.
queueMicrotask(() =>
  registerSlashCommand('sandbox', {
    summary: 'reset your sandbox (`/sandbox reset`; TAs: `/sandbox reset @student|all`)',
    usage: '/sandbox reset',
    handler: sandboxCommand,
  }),
);
