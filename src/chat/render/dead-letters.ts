/**
 * Replies that could not be delivered after every retry. They are kept (and logged), never
 * dropped silently: a TA can see who missed an answer, and an operator can replay them.
 */
import type { TutorReply, TutorRequest } from '../../core/types.ts';

export interface DeadLetter {
  platform: string;
  requestId: string;
  userId: string;
  channel: string;
  /** The command that was asked. */
  text: string;
  reason: string;
  at: number;
  reply: TutorReply;
}

export interface DeadLetters {
  record(letter: DeadLetter): Promise<void>;
  list(): Promise<DeadLetter[]>;
}

export function deadLetterFor(req: TutorRequest, reply: TutorReply, reason: string, at: number): DeadLetter {
  return {
    platform: req.identity.platform,
    requestId: req.id,
    userId: req.identity.userId,
    channel: req.channel,
    text: req.text,
    reason,
    at,
    reply,
  };
}

/** Kept in memory, newest last, up to `max` (the embedded default). */
export class MemoryDeadLetters implements DeadLetters {
  private readonly letters: DeadLetter[] = [];
  constructor(private readonly max = 1000) {}

  async record(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
    if (this.letters.length > this.max) this.letters.shift();
  }

  async list(): Promise<DeadLetter[]> {
    return [...this.letters];
  }
}

/** The slice of ioredis this needs, so any client (or cluster) will do. */
export interface RedisListClient {
  rpush(key: string, ...values: string[]): Promise<number>;
  ltrim(key: string, start: number, stop: number): Promise<unknown>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
}

/** Kept in a Redis list (`tutor:dead-letters` by default), capped at `max` entries. */
export class RedisDeadLetters implements DeadLetters {
  constructor(
    private readonly redis: RedisListClient,
    private readonly key = 'tutor:dead-letters',
    private readonly max = 10_000,
  ) {}

  async record(letter: DeadLetter): Promise<void> {
    // Images are bytes; store them as base64 so the JSON round-trips.
    const json = JSON.stringify(letter, (_k, v: unknown) =>
      v instanceof Uint8Array ? { base64: Buffer.from(v).toString('base64') } : v,
    );
    await this.redis.rpush(this.key, json);
    await this.redis.ltrim(this.key, -this.max, -1);
  }

  async list(): Promise<DeadLetter[]> {
    return (await this.redis.lrange(this.key, 0, -1)).map((s) => JSON.parse(s) as DeadLetter);
  }
}
