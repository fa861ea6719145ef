/**
 * Retrying a platform call with exponential backoff. Errors say whether a retry can help
 * (network failure, 429, 5xx) or not (4xx: the request itself is wrong, or the URL expired).
 */

export class PlatformCallError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when no response came. */
    readonly status: number,
    readonly retryable: boolean,
    /** Seconds the platform asked us to wait (429 Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'PlatformCallError';
  }
}

export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  attempts: number;
  /** First wait in ms, doubled each time. Default 250. */
  baseDelayMs: number;
  /** Longest wait in ms. Default 5,000. */
  maxDelayMs: number;
  /** Injected so tests need not wait. Default setTimeout. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5000,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
} as const satisfies RetryOptions;

/** Runs `fn` until it succeeds, fails for a reason a retry cannot fix, or runs out of attempts. */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  opts: RetryOptions,
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const retryable = !(e instanceof PlatformCallError) || e.retryable;
      if (!retryable || attempt >= opts.attempts) {
        throw e instanceof Error ? e : new Error(`${what}: ${String(e)}`);
      }
      const backoff = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
      const asked = e instanceof PlatformCallError && e.retryAfterSeconds ? e.retryAfterSeconds * 1000 : 0;
      const delay = Math.min(opts.maxDelayMs, Math.max(backoff, asked));
      onRetry?.(attempt, e, delay);
      await opts.sleep(delay);
    }
  }
}

/** POSTs JSON and turns an unhappy answer into a PlatformCallError. */
export async function postJson(
  fetchFn: typeof fetch,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<string> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new PlatformCallError(`POST ${redact(url)}: ${(e as Error).message}`, 0, true);
  }
  const text = await res.text();
  if (res.ok) return text;
  const retryAfter = Number(res.headers.get('retry-after'));
  throw new PlatformCallError(
    `POST ${redact(url)}: HTTP ${res.status} ${text.slice(0, 200)}`,
    res.status,
    res.status === 429 || res.status >= 500,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

/** Response URLs and webhook paths carry secrets; logs keep only the host and the first segment. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    const first = u.pathname.split('/').filter(Boolean)[0] ?? '';
    return `${u.origin}/${first}/…`;
  } catch {
    return '(bad URL)';
  }
}
