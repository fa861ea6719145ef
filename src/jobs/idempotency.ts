/**
 * What makes a re-run job harmless. A job can run twice (its worker was killed, a platform call
 * failed, Slack retried the event), so:
 * - the reply a command produced is kept by request ID: a re-run delivers it again instead of
 *   running the command again (`network create` twice would answer "already exists");
 * - a delivery is claimed by request ID before posting and marked sent after: a second delivery
 *   of the same request is skipped.
 */
import type { Redis } from 'ioredis';
import type { TutorReply, TutorRequest } from '../core/types.ts';
import { decodeReply, encodeReply, type WireReply } from './reply-codec.ts';

export type Deliver = (reply: TutorReply, req: TutorRequest) => Promise<void>;

export type Claim = 'claimed' | 'sent' | 'busy';

export interface DeliveryLedger {
  /** `claimed`: deliver now; `sent`: already delivered; `busy`: another attempt is posting right now. */
  claim(requestId: string): Promise<Claim>;
  markSent(requestId: string): Promise<void>;
  /** Gives a claim back after a failed post, so a retry may deliver. */
  release(requestId: string): Promise<void>;
}

export interface ResultStore {
  get(requestId: string): Promise<TutorReply | null>;
  put(requestId: string, reply: TutorReply): Promise<void>;
}

/** A delivery another attempt is still making: retry later. */
export class DeliveryBusyError extends Error {
  override readonly name = 'DeliveryBusyError';
  readonly retryable = true;
}

/** Delivers `reply` unless it was delivered already. */
export async function deliverOnce(
  ledger: DeliveryLedger,
  deliver: Deliver,
  reply: TutorReply,
  req: TutorRequest,
): Promise<'delivered' | 'duplicate'> {
  const claim = await ledger.claim(req.id);
  if (claim === 'sent') return 'duplicate';
  if (claim === 'busy')
    throw new DeliveryBusyError(`reply to ${req.id} is being delivered by another attempt`);
  try {
    await deliver(reply, req);
  } catch (e) {
    await ledger.release(req.id);
    throw e;
  }
  await ledger.markSent(req.id);
  return 'delivered';
}

/** Bounded maps for the in-process runner: the oldest entries go first. */
class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    super.set(key, value);
    if (this.size > this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return this;
  }
}

export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly states = new BoundedMap<'sending' | 'sent'>(100_000);
  async claim(requestId: string): Promise<Claim> {
    const s = this.states.get(requestId);
    if (s === 'sent') return 'sent';
    if (s === 'sending') return 'busy';
    this.states.set(requestId, 'sending');
    return 'claimed';
  }
  async markSent(requestId: string): Promise<void> {
    this.states.set(requestId, 'sent');
  }
  async release(requestId: string): Promise<void> {
    this.states.delete(requestId);
  }
}

export class MemoryResultStore implements ResultStore {
  private readonly replies = new BoundedMap<TutorReply>(10_000);
  async get(requestId: string): Promise<TutorReply | null> {
    return this.replies.get(requestId) ?? null;
  }
  async put(requestId: string, reply: TutorReply): Promise<void> {
    this.replies.set(requestId, reply);
  }
}

export interface RedisIdempotencyOptions {
  prefix?: string;
  /** How long a claim holds while posting; a worker killed mid-post frees it after this. Default 60 s. */
  claimMs?: number;
  /** How long "sent" is remembered. Default 24 h (Slack retries for minutes, BullMQ re-runs sooner). */
  sentSeconds?: number;
  /** How long a command's reply is kept for a re-run. Default 1 h. */
  resultSeconds?: number;
}

export class RedisDeliveryLedger implements DeliveryLedger {
  private readonly prefix: string;
  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisIdempotencyOptions = {},
  ) {
    this.prefix = `${opts.prefix ?? 'tutor:'}delivery:`;
  }
  async claim(requestId: string): Promise<Claim> {
    // SET NX GET: one round trip that claims, or says who holds it.
    const prev = (await this.redis.call(
      'SET',
      this.prefix + requestId,
      'sending',
      'PX',
      String(this.opts.claimMs ?? 60_000),
      'NX',
      'GET',
    )) as string | null;
    if (prev === null) return 'claimed';
    return prev === 'sent' ? 'sent' : 'busy';
  }
  async markSent(requestId: string): Promise<void> {
    await this.redis.set(this.prefix + requestId, 'sent', 'EX', this.opts.sentSeconds ?? 86_400);
  }
  async release(requestId: string): Promise<void> {
    await this.redis.del(this.prefix + requestId);
  }
}

export class RedisResultStore implements ResultStore {
  private readonly prefix: string;
  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisIdempotencyOptions = {},
  ) {
    this.prefix = `${opts.prefix ?? 'tutor:'}result:`;
  }
  async get(requestId: string): Promise<TutorReply | null> {
    const json = await this.redis.get(this.prefix + requestId);
    return json === null ? null : decodeReply(JSON.parse(json) as WireReply);
  }
  async put(requestId: string, reply: TutorReply): Promise<void> {
    await this.redis.set(
      this.prefix + requestId,
      JSON.stringify(encodeReply(reply)),
      'EX',
      this.opts.resultSeconds ?? 3600,
    );
  }
}
