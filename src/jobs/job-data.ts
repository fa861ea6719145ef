/** What the pipeline's jobs carry between processes. */
import type { TutorRequest } from '../core/types.ts';
import type { WireReply } from './reply-codec.ts';

/** What a delivery job carries from a worker to the bot process that owns the platform client. */
export interface DeliveryJobData {
  req: TutorRequest;
  reply: WireReply;
  /** When the worker queued it, ms since the epoch. */
  queuedAt: number;
}

/** Per-sandbox operations, run in the sandbox's shard so they stay in order with its commands. */
export interface SandboxOpJobData {
  op: 'reset';
  key: string;
  requestedBy?: string;
}
