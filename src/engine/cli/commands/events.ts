/**
 * `docker events` (and `docker system events`): the daemon's kept events between `--since` and
 * `--until`, filtered, as `prettyPrintEvent` lines or through a `--format` template.
 *
 * A chat cannot hold a stream open, so without `--until` the sandbox says it cannot follow
 * events. Durations (`--since 5m`, `--until 0s`) count from now to the millisecond, where the
 * real CLI cuts them to the second: a `sleep` on the sandbox host takes no time here, so an event
 * of the last second would otherwise be missed.
 */

import { badRequest } from '../../errors.ts';
import { dockerTemplateFuncs, parseTemplate, type Template, TemplateError } from '../../go/template.ts';
import { goPtr } from '../../go/values.ts';
import { bufferedEvents } from '../../model/events.ts';
import { cliEventTimestamp, eventMatches, eventTimeNanos } from '../../ops/events.ts';
import { emptyEventGoValue, eventGoValue, prettyEvent } from '../../views/event-view.ts';
import { type CommandContext, implementRecorded, notAvailable } from '../command.ts';
import { parseFilters, printDaemonError } from '../common.ts';
import { ExitError } from '../terminal.ts';

function events(ctx: CommandContext): number {
  const format = ctx.flags.string('format');
  let tmpl: Template | null = null;
  if (format !== '') {
    try {
      tmpl = parseTemplate(format, dockerTemplateFuncs);
      // makeTemplate runs it on an empty message, to catch `{{.Bogus}}` before anything is asked.
      tmpl.execute(goPtr(emptyEventGoValue()));
    } catch (e) {
      if (e instanceof TemplateError) throw new ExitError(64, `Error parsing format: ${e.message}`);
      throw e;
    }
  }
  const filters = parseFilters(ctx, ctx.flags.list('filter'));
  if (!filters) return 1;
  const sinceText = ctx.flags.string('since');
  const untilText = ctx.flags.string('until');
  // The client turns both into Unix times before it asks (its errors are its own, not the daemon's).
  const now = ctx.engine.nowMs();
  const since = sinceText === '' ? '' : cliEventTimestamp(sinceText, now);
  const until = untilText === '' ? '' : cliEventTimestamp(untilText, now);
  if (since instanceof Error) throw new ExitError(1, since.message);
  if (until instanceof Error) throw new ExitError(1, until.message);
  try {
    const sinceNs = eventTimeNanos(since);
    const untilNs = eventTimeNanos(until);
    if (untilNs !== null && untilNs < (sinceNs ?? -(2n ** 63n))) {
      throw badRequest(`\`since\` time (${since}) cannot be after \`until\` time (${until})`);
    }
    if (untilNs === null) return notAvailable(ctx);
    for (const ev of bufferedEvents(ctx.engine, sinceNs, untilNs)) {
      if (!eventMatches(filters, ev)) continue;
      ctx.term.out(tmpl ? `${tmpl.execute(eventGoValue(ev))}\n` : `${prettyEvent(ev)}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof TemplateError) throw new ExitError(1, e.message);
    return printDaemonError(ctx, e);
  }
}

implementRecorded('docker events', events);
implementRecorded('docker system events', events);
