/**
 * Replies cross Redis as JSON, and JSON has no bytes: image blocks carry base64 there and a
 * Uint8Array again on the other side.
 */
import type { ReplyBlock, TutorReply } from '../core/types.ts';

type WireBlock =
  | Exclude<ReplyBlock, { kind: 'image' }>
  | (Omit<Extract<ReplyBlock, { kind: 'image' }>, 'data'> & { data: string });

export interface WireReply extends Omit<TutorReply, 'blocks'> {
  blocks: WireBlock[];
}

export function encodeReply(reply: TutorReply): WireReply {
  return {
    ...reply,
    blocks: reply.blocks.map((b) =>
      b.kind === 'image' ? { ...b, data: Buffer.from(b.data).toString('base64') } : b,
    ),
  };
}

export function decodeReply(wire: WireReply): TutorReply {
  return {
    ...wire,
    blocks: wire.blocks.map((b) =>
      b.kind === 'image' ? { ...b, data: new Uint8Array(Buffer.from(b.data, 'base64')) } : b,
    ),
  };
}
