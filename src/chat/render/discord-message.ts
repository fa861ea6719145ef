/**
 * TutorReply -> a Discord message: markdown content (output in code blocks), an embed when the
 * text passes the 2,000 characters of a message, buttons in action rows, and attachments for
 * images and for output longer than an embed's 4,096 characters (shown cut, attached whole).
 */
import type { TutorReply } from '../../core/types.ts';
import { type Attachment, textAttachment, uniqueName } from './attachments.ts';
import { cutText, defuseFences, formatTable, lineCount } from './text-cut.ts';

/** Discord's limits (discord.com/developers/docs/resources/message). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedDescription: 4096,
  buttonsPerRow: 5,
  rowsPerMessage: 5,
  buttonLabel: 80,
  customId: 100,
  attachments: 10,
} as const;

/** What a button's custom_id carries: Discord buttons have no value field, so both go in the ID. */
const CUSTOM_ID_PREFIX = 't:';

export function customIdFor(id: string, value: string): string {
  return `${CUSTOM_ID_PREFIX}${id}|${value}`.slice(0, DISCORD_LIMITS.customId);
}

export function parseCustomId(customId: string): { id: string; value: string } | null {
  if (!customId.startsWith(CUSTOM_ID_PREFIX)) return null;
  const rest = customId.slice(CUSTOM_ID_PREFIX.length);
  const bar = rest.indexOf('|');
  return bar < 0 ? { id: rest, value: '' } : { id: rest.slice(0, bar), value: rest.slice(bar + 1) };
}

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 4;
  label: string;
  custom_id: string;
}

export interface DiscordMessage {
  content: string;
  embeds: Array<{ description: string }>;
  components: Array<{ type: 1; components: DiscordButton[] }>;
  files: Attachment[];
}

type Part = { kind: 'text'; text: string } | { kind: 'code'; text: string; file: string };

const fenced = (t: string) => `\`\`\`\n${defuseFences(t)}\n\`\`\``;

export function renderDiscord(reply: TutorReply): DiscordMessage {
  const parts: Part[] = [];
  const files: Attachment[] = [];
  const names = new Set<string>();
  const buttons: DiscordButton[] = [];
  const notes: string[] = [];

  for (const b of reply.blocks) {
    switch (b.kind) {
      case 'text':
        parts.push({ kind: 'text', text: b.text });
        break;
      case 'code':
        parts.push({ kind: 'code', text: b.text.replace(/\n$/, '') || ' ', file: 'output.txt' });
        break;
      case 'table':
        parts.push({ kind: 'code', text: formatTable(b.headers, b.rows), file: 'table.txt' });
        break;
      case 'image':
        files.push({ name: uniqueName(names, b.name), mime: b.mime, data: b.data, title: b.alt });
        break;
      case 'file': {
        const name = uniqueName(names, b.name);
        files.push(textAttachment(name, b.text, name));
        notes.push(`📄 \`${name}\` attached (${b.text.length.toLocaleString('en-US')} characters)`);
        break;
      }
      case 'buttons':
        for (const x of b.buttons) {
          buttons.push({
            type: 2,
            style: x.style === 'primary' ? 1 : x.style === 'danger' ? 4 : 2,
            label: x.label.slice(0, DISCORD_LIMITS.buttonLabel),
            custom_id: customIdFor(x.id, x.value),
          });
        }
        break;
    }
  }

  const render = (ps: Part[]) =>
    [...ps.map((p) => (p.kind === 'code' ? fenced(p.text) : p.text)), ...notes].join('\n');
  const whole = render(parts);
  let content = '';
  const embeds: DiscordMessage['embeds'] = [];
  if (whole.length <= DISCORD_LIMITS.content) content = whole;
  else if (whole.length <= DISCORD_LIMITS.embedDescription) embeds.push({ description: whole });
  else embeds.push({ description: fitEmbed(parts, notes, files, names) });

  const components: DiscordMessage['components'] = [];
  const maxButtons = DISCORD_LIMITS.buttonsPerRow * DISCORD_LIMITS.rowsPerMessage;
  for (let i = 0; i < Math.min(buttons.length, maxButtons); i += DISCORD_LIMITS.buttonsPerRow) {
    components.push({ type: 1, components: buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow) });
  }
  if (files.length > DISCORD_LIMITS.attachments) files.splice(DISCORD_LIMITS.attachments);
  return { content, embeds, components, files };
}

/**
 * Fills one embed description: parts in order while they fit; the first that does not is cut
 * (code at a line boundary, attached whole) and every later code part is attached only.
 */
function fitEmbed(parts: Part[], notes: string[], files: Attachment[], names: Set<string>): string {
  const out: string[] = [];
  // Room kept for the notes saying what was cut and attached.
  let budget = DISCORD_LIMITS.embedDescription - 400 - notes.join('\n').length;
  const tail: string[] = [];
  for (const p of parts) {
    const shown = p.kind === 'code' ? fenced(p.text) : p.text;
    if (shown.length + 1 <= budget) {
      out.push(shown);
      budget -= shown.length + 1;
      continue;
    }
    if (p.kind === 'text') {
      const cut = budget > 20 ? `${cutText(p.text, budget - 2)}…` : '…';
      out.push(cut);
      budget -= cut.length + 1;
      continue;
    }
    const name = uniqueName(names, p.file);
    files.push(textAttachment(name, `${p.text}\n`, name));
    const room = budget - 8;
    if (room > 100) {
      const cut = cutText(defuseFences(p.text), room);
      out.push(fenced(cut));
      budget -= cut.length + 9;
      tail.push(
        `Output cut at ${lineCount(cut)} of ${lineCount(p.text)} lines; the full text is attached as \`${name}\`.`,
      );
    } else tail.push(`More output is attached as \`${name}\`.`);
  }
  return [...out, ...tail, ...notes].join('\n').slice(0, DISCORD_LIMITS.embedDescription);
}
