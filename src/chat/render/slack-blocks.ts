/**
 * TutorReply -> a Slack message: Block Kit sections (output in code blocks, tables aligned in
 * code blocks), buttons in actions blocks, and files for images and for output too long for a
 * section (Slack cuts a section's text at 3,000 characters; we cut first and attach it whole).
 */
import type { types } from '@slack/bolt';
import type { TutorReply } from '../../core/types.ts';
import { type Attachment, textAttachment, uniqueName } from './attachments.ts';
import { cutText, defuseFences, formatTable, lineCount } from './text-cut.ts';

/** Slack's limits (api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = {
  sectionText: 3000,
  blocksPerMessage: 50,
  elementsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  /** Notification text; Slack truncates `text` far later, but a fallback need not be long. */
  fallbackText: 3000,
} as const;

export interface SlackMessage {
  /** Plain fallback for notifications and clients without blocks. */
  text: string;
  blocks: types.KnownBlock[];
  files: Attachment[];
}

/** `&`, `<` and `>` are control characters in Slack text, code blocks included. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const section = (text: string): types.SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const note = (text: string): types.ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text }],
});

/** A button's action_id: the tutor's ID, made unique within the message when IDs repeat. */
export function actionIdFor(id: string, index: number, repeated: boolean): string {
  return (repeated ? `${id}#${index}` : id).slice(0, SLACK_LIMITS.actionId);
}

/** The tutor's button ID back from an action_id. */
export function buttonIdFromActionId(actionId: string): string {
  return actionId.replace(/#\d+$/, '');
}

export function renderSlack(reply: TutorReply): SlackMessage {
  const blocks: types.KnownBlock[] = [];
  const files: Attachment[] = [];
  const names = new Set<string>();
  const fallback: string[] = [];

  const pushCode = (raw: string, fileName: string) => {
    const body = raw.replace(/\n$/, '');
    fallback.push(body);
    // Fences on lines of their own: Slack then keeps the first line of output aligned.
    const fence = (t: string) => `\`\`\`\n${t === '' ? ' ' : t}\n\`\`\``;
    const escaped = escapeMrkdwn(defuseFences(body));
    if (fence(escaped).length <= SLACK_LIMITS.sectionText) {
      blocks.push(section(fence(escaped)));
      return;
    }
    // Leave room for the fences; the cut is made on the escaped text, which is what Slack counts.
    const shown = cutText(escaped, SLACK_LIMITS.sectionText - 8);
    const name = uniqueName(names, fileName);
    files.push(textAttachment(name, body.endsWith('\n') ? body : `${body}\n`, name));
    blocks.push(section(fence(shown)));
    blocks.push(
      note(
        `Output cut at ${lineCount(shown)} of ${lineCount(escaped)} lines (Slack shows 3,000 characters a section); the full text is attached as \`${name}\`.`,
      ),
    );
  };

  for (const b of reply.blocks) {
    switch (b.kind) {
      case 'text': {
        fallback.push(b.text);
        const escaped = escapeMrkdwn(b.text);
        if (escaped.length <= SLACK_LIMITS.sectionText) blocks.push(section(escaped));
        else {
          const name = uniqueName(names, 'message.txt');
          files.push(textAttachment(name, b.text, name));
          blocks.push(section(`${cutText(escaped, SLACK_LIMITS.sectionText - 1)}…`));
          blocks.push(note(`Message cut; the full text is attached as \`${name}\`.`));
        }
        break;
      }
      case 'code':
        pushCode(b.text, 'output.txt');
        break;
      case 'table':
        pushCode(formatTable(b.headers, b.rows), 'table.txt');
        break;
      case 'image': {
        const name = uniqueName(names, b.name);
        files.push({ name, mime: b.mime, data: b.data, title: b.alt });
        fallback.push(`[image: ${name}]`);
        blocks.push(
          note(`:frame_with_picture: ${escapeMrkdwn(b.alt)} (attached as \`${escapeMrkdwn(name)}\`)`),
        );
        break;
      }
      case 'file': {
        const name = uniqueName(names, b.name);
        files.push(textAttachment(name, b.text, name));
        fallback.push(`[file: ${name}]`);
        blocks.push(
          note(
            `:page_facing_up: \`${escapeMrkdwn(name)}\` attached (${b.text.length.toLocaleString('en-US')} characters)`,
          ),
        );
        break;
      }
      case 'buttons': {
        const ids = b.buttons.map((x) => x.id);
        const repeated = new Set(ids).size !== ids.length;
        for (let i = 0; i < b.buttons.length; i += SLACK_LIMITS.elementsPerActions) {
          const elements = b.buttons.slice(i, i + SLACK_LIMITS.elementsPerActions).map((x, j) => {
            const button: types.Button = {
              type: 'button',
              action_id: actionIdFor(x.id, i + j, repeated),
              text: { type: 'plain_text', text: x.label.slice(0, SLACK_LIMITS.buttonText), emoji: true },
              value: x.value.slice(0, SLACK_LIMITS.buttonValue),
            };
            if (x.style) button.style = x.style;
            return button;
          });
          blocks.push({ type: 'actions', elements });
        }
        fallback.push(b.buttons.map((x) => `[${x.label}]`).join(' '));
        break;
      }
    }
  }

  if (blocks.length > SLACK_LIMITS.blocksPerMessage) {
    // Keep the first blocks and say where the rest went rather than have Slack refuse the message.
    const name = uniqueName(names, 'reply.txt');
    files.push(textAttachment(name, `${fallback.join('\n')}\n`, name));
    blocks.splice(SLACK_LIMITS.blocksPerMessage - 1);
    blocks.push(note(`This reply is longer than one Slack message; all of it is attached as \`${name}\`.`));
  }

  const plain = fallback.join('\n');
  const text =
    plain.length > SLACK_LIMITS.fallbackText ? `${cutText(plain, SLACK_LIMITS.fallbackText - 1)}…` : plain;
  return { text: text === '' ? ' ' : text, blocks, files };
}
