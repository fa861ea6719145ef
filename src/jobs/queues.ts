/**
 * Queue names, sharding and connections: everything producers and workers must agree on.
 *
 * Per-sandbox order: a sandbox's commands all go to one of `shards` command queues, chosen by a
 * hash of its key; each shard queue has a BullMQ global concurrency of 1, so across every worker
 * process only one job of a shard is active at a time, and jobs leave a queue in the order they
 * entered it. Different shards run in parallel on whichever processes pick them up.
 * Every producer and worker of one deployment must use the same shard count.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Platform } from '../core/types.ts';

/** Default number of command shards: the most sandboxes that can run a command at the same moment. */
export const DEFAULT_SHARDS = 32;
/** Default BullMQ key prefix: keys look like `tutor:q:commands-7:wait`. */
export const DEFAULT_QUEUE_PREFIX = 'tutor:q';

export interface QueueLayout {
  /** BullMQ key prefix. */
  prefix: string;
  shards: number;
}

export const defaultLayout: QueueLayout = { prefix: DEFAULT_QUEUE_PREFIX, shards: DEFAULT_SHARDS };

export const commandQueueName = (shard: number): string => `commands-${shard}`;
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

/** FNV-1a of the sandbox key, so the shard of a sandbox is the same in every process. */
export function shardOf(sandboxKey: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sandboxKey.length; i++) {
    h ^= sandboxKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

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
    enableAutoPipelining: true,
    // Back off to at most 2 s between reconnection attempts, forever: a restarted Redis is found again.
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...extra,
  });
}
