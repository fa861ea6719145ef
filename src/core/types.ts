/**
 * What every chat platform turns its events into, and what the tutor answers with. Adapters
 * translate to and from these; the tutor core never sees a platform type.
 */

export type Platform = 'console' | 'slack' | 'discord' | 'web';
export type Role = 'student' | 'ta';

/** Who is asking, and where: a sandbox belongs to one (platform, workspace, user). */
export interface Identity {
  platform: Platform;
  /** Slack team ID, Discord guild ID, `local` for the console. */
  workspace: string;
  userId: string;
  displayName?: string;
  roles: Role[];
}

export interface TutorRequest {
  /** Unique per chat event; makes retried deliveries idempotent. */
  id: string;
  identity: Identity;
  /** Channel or conversation the answer goes to. */
  channel: string;
  /** The command as typed: `/docker network ls`, `/help`. */
  text: string;
  /** Milliseconds since the epoch, when the platform received it. */
  receivedAt: number;
  /** Platform data the adapter needs to answer (response URL, interaction token). */
  replyTo?: Record<string, string>;
  /** A button press rather than a typed command. */
  action?: { id: string; value: string };
}

export type ReplyBlock =
  | { kind: 'text'; text: string }
  /** Verbatim output, shown monospaced. */
  | { kind: 'code'; text: string; language?: string }
  | { kind: 'table'; headers: string[]; rows: string[][] }
  | { kind: 'image'; name: string; mime: 'image/png' | 'image/svg+xml'; data: Uint8Array; alt: string }
  | {
      kind: 'buttons';
      buttons: Array<{ id: string; label: string; value: string; style?: 'primary' | 'danger' }>;
    }
  /** A file attached whole (long output). */
  | { kind: 'file'; name: string; text: string };

export interface TutorReply {
  /** The request answered, for idempotent delivery. */
  requestId: string;
  /** Only the asker sees it (Slack ephemeral, Discord ephemeral) unless `public`. */
  visibility: 'private' | 'public';
  blocks: ReplyBlock[];
}

export const text = (t: string): ReplyBlock => ({ kind: 'text', text: t });
export const code = (t: string): ReplyBlock => ({ kind: 'code', text: t });

/** A reply's plain text, as the console prints it. */
export function replyToPlainText(reply: TutorReply): string {
  const parts: string[] = [];
  for (const b of reply.blocks) {
    switch (b.kind) {
      case 'text':
      case 'code':
        parts.push(b.text.replace(/\n$/, ''));
        break;
      case 'table': {
        const widths = b.headers.map((h, i) => Math.max(h.length, ...b.rows.map((r) => (r[i] ?? '').length)));
        const fmt = (cells: string[]) =>
          cells
            .map((c, i) => c.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd();
        parts.push([fmt(b.headers), ...b.rows.map(fmt)].join('\n'));
        break;
      }
      case 'image':
        parts.push(`[image: ${b.name}] ${b.alt}`);
        break;
      case 'buttons':
        parts.push(b.buttons.map((x) => `[${x.label}]`).join(' '));
        break;
      case 'file':
        parts.push(`[file: ${b.name}, ${b.text.length} characters]`);
        break;
    }
  }
  return parts.join('\n');
}
