/** Slash commands that live in their own modules; `tutor.ts` imports this once. */
import './topology.ts';
import '../../ta/register.ts';
import '../../engine/compose/slash-command.ts';
import './api.ts';
