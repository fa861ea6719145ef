/**
 * Queue names and connections: everything producers and workers must agree on. Commands go to a
 * queue per sandbox (`sandbox-queue.ts`); deliveries, scheduled posts and sandbox operations are
 * BullMQ queues.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Platform } from '../core/types.ts';

/** Default BullMQ key prefix: keys look like `tutor:q:commands-7:wait`. */
export const DEFAULT_QUEUE_PREFIX = 'tutor:q';

export interface QueueLayout {
  /** Key prefix of every queue (BullMQ's and the sandbox queues). */
  prefix: string;
}

export const defaultLayout: QueueLayout = { prefix: DEFAULT_QUEUE_PREFIX };
export const deliveryQueueName = (platform: Platform): string => `deliveries-${platform}`;
export const SCHEDULED_QUEUE = 'scheduled';
export const SANDBOX_OPS_QUEUE = 'sandbox-ops';

/**
 * Options every Queue object of the pipeline is created with. Nothing here listens to BullMQ's
 * per-queue event streams, so they are kept short (they would otherwise hold 10,000 events each).
 */
export const queueOptions = (layout: QueueLayout) => ({
  prefix: layout.prefix,
  streams: { events: { maxLen: 100 } },
});

/** BullMQ refuses `:` in custom job IDs (its key separator) and all-digit IDs. */
export function jobIdFor(kind: string, requestId: string): string {
  return `${kind}-${requestId.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

/**
 * A connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ requires of workers; for
 * producers it means a command sent while Redis restarts waits in ioredis' offline queue and is
 * queued when Redis is back, instead of being lost.
 */
export function connectRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    // Off on purpose: ioredis builds a Pipeline object per batch and copies every script defined
    // on the connection into it (BullMQ defines dozens); measured, that cost more CPU per command
    // (0.27 ms) than the writes it saves.
    enableAutoPipelining: false,
    // Back off to at most 2 s between reconnection attempts, forever: a restarted Redis is found again.
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...extra,
  });
}
