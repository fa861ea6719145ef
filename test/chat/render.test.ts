/** TutorReply -> Slack Block Kit and Discord messages: limits, escaping, buttons, files. */
import { describe, expect, it } from 'vitest';
import {
  customIdFor,
  DISCORD_LIMITS,
  parseCustomId,
  renderDiscord,
} from '../../src/chat/render/discord-message.ts';
import { buttonIdFromActionId, renderSlack, SLACK_LIMITS } from '../../src/chat/render/slack-blocks.ts';
import type { TutorReply } from '../../src/core/types.ts';

const reply = (
  blocks: TutorReply['blocks'],
  visibility: TutorReply['visibility'] = 'private',
): TutorReply => ({
  requestId: 'r1',
  visibility,
  blocks,
});
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

describe('Slack rendering', () => {
  it('escapes &, < and > everywhere and breaks ``` inside output', () => {
    const m = renderSlack(
      reply([
        { kind: 'code', text: 'a<b> & ```x```\n' },
        { kind: 'text', text: '<@U1> & co' },
      ]),
    );
    const texts = m.blocks.map((b) => (b as { text?: { text: string } }).text?.text);
    expect(texts[0]).toBe('```\na&lt;b&gt; &amp; `\u200b``x`\u200b``\n```');
    expect(texts[1]).toBe('&lt;@U1&gt; &amp; co');
  });

  it('aligns a table in a code block like the docker CLI', () => {
    const m = renderSlack(
      reply([
        {
          kind: 'table',
          headers: ['NAME', 'DRIVER'],
          rows: [
            ['bridge', 'bridge'],
            ['host', 'host'],
          ],
        },
      ]),
    );
    expect((m.blocks[0] as { text: { text: string } }).text.text).toBe(
      '```\nNAME    DRIVER\nbridge  bridge\nhost    host\n```',
    );
  });

  it('gives repeated button IDs unique action_ids and reads the ID back', () => {
    const m = renderSlack(
      reply([
        {
          kind: 'buttons',
          buttons: [
            { id: 'quiz.answer', label: 'A', value: 'a', style: 'primary' },
            { id: 'quiz.answer', label: 'B', value: 'b' },
          ],
        },
      ]),
    );
    const actions = m.blocks[0] as {
      type: string;
      elements: Array<{ action_id: string; value: string; style?: string }>;
    };
    expect(actions.type).toBe('actions');
    expect(actions.elements.map((e) => e.action_id)).toEqual(['quiz.answer#0', 'quiz.answer#1']);
    expect(actions.elements[0]!.style).toBe('primary');
    expect(actions.elements.map((e) => buttonIdFromActionId(e.action_id))).toEqual([
      'quiz.answer',
      'quiz.answer',
    ]);
  });

  it('uploads images and file blocks, with a note in the message', () => {
    const m = renderSlack(
      reply([
        { kind: 'image', name: 'topology.png', mime: 'image/png', data: png, alt: 'two networks' },
        { kind: 'file', name: 'inspect.json', text: '{}' },
      ]),
    );
    expect(m.files.map((f) => [f.name, f.mime])).toEqual([
      ['topology.png', 'image/png'],
      ['inspect.json', 'text/plain'],
    ]);
    expect(JSON.stringify(m.blocks)).toContain('two networks');
  });

  it('never sends more than 50 blocks: the rest is attached', () => {
    const m = renderSlack(
      reply(Array.from({ length: 80 }, (_, i) => ({ kind: 'text' as const, text: `line ${i}` }))),
    );
    expect(m.blocks.length).toBe(SLACK_LIMITS.blocksPerMessage);
    expect(m.files.at(-1)!.name).toBe('reply.txt');
    expect(new TextDecoder().decode(m.files.at(-1)!.data)).toContain('line 79');
  });

  it('keeps every section within 3,000 characters even when escaping grows the text', () => {
    const m = renderSlack(reply([{ kind: 'code', text: '<>&\n'.repeat(2000) }]));
    for (const b of m.blocks) {
      const t = (b as { text?: { text: string } }).text?.text;
      if (t) expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    expect(m.files[0]!.name).toBe('output.txt');
  });
});

describe('Discord rendering', () => {
  it('round-trips a button ID and value through custom_id, within 100 characters', () => {
    expect(parseCustomId(customIdFor('quiz.answer', 'b'))).toEqual({ id: 'quiz.answer', value: 'b' });
    expect(customIdFor('x', 'y'.repeat(500)).length).toBe(DISCORD_LIMITS.customId);
    expect(parseCustomId('someone-else')).toBeNull();
  });

  it('puts buttons in rows of five, at most five rows', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, label: `B${i}`, value: '' }));
    const m = renderDiscord(reply([{ kind: 'buttons', buttons }]));
    expect(m.components.map((r) => r.components.length)).toEqual([5, 5, 5, 5, 5]);
  });

  it('keeps short output as content and attaches images', () => {
    const m = renderDiscord(
      reply([
        { kind: 'code', text: 'NETWORK ID\n' },
        { kind: 'image', name: 'topology.png', mime: 'image/png', data: png, alt: 'diagram' },
      ]),
    );
    expect(m.content).toBe('```\nNETWORK ID\n```');
    expect(m.embeds).toEqual([]);
    expect(m.files.map((f) => f.name)).toEqual(['topology.png']);
  });
});
