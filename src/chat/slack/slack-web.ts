/**
 * The Slack Web API client settings shared by the Bolt app and delivery: one base URL
 * (SLACK_API_URL, so tests and offline set-ups never reach slack.com), and retries left to our
 * own backoff so one policy applies to every platform call.
 */
import { webApi } from '@slack/bolt';
import { PlatformCallError } from '../render/retry.ts';

/** Slack's own Web API base. */
export const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';

/** WebClient wants the base with a trailing slash (`http://127.0.0.1:4000/api/`). */
export function slackApiBase(url: string | undefined): string {
  const base = url ?? SLACK_DEFAULT_API_URL;
  return base.endsWith('/') ? base : `${base}/`;
}

export function slackClientOptions(apiUrl: string | undefined): webApi.WebClientOptions {
  return {
    slackApiUrl: slackApiBase(apiUrl),
    // One retry policy for all platform calls: ours (withRetry), which logs and dead-letters.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
}

export function createSlackWebClient(
  token: string | undefined,
  apiUrl: string | undefined,
): webApi.WebClient {
  return new webApi.WebClient(token, slackClientOptions(apiUrl));
}

/** A WebClient error as a PlatformCallError: `ok: false` answers are final, the rest retryable. */
export function classifySlackError(e: unknown): PlatformCallError {
  const err = e as {
    code?: string;
    message?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
  };
  const message = err.message ?? String(e);
  switch (err.code) {
    case webApi.ErrorCode.PlatformError:
      return new PlatformCallError(message, 200, false);
    case webApi.ErrorCode.RateLimitedError:
      return new PlatformCallError(message, 429, true, err.retryAfter);
    case webApi.ErrorCode.HTTPError: {
      const status = err.statusCode ?? 0;
      return new PlatformCallError(message, status, status === 429 || status >= 500);
    }
    default:
      return new PlatformCallError(message, 0, true);
  }
}

/** Runs a Web API call, turning its errors into PlatformCallErrors for withRetry. */
export async function slackCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof PlatformCallError ? e : classifySlackError(e);
  }
}
