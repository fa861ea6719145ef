/**
 * The Discord REST client settings shared by the gateway client, delivery and registration: one
 * base URL (DISCORD_API_URL, so tests never reach discord.com), and 5xx retries left to our own
 * backoff (the library still honours rate-limit buckets itself).
 */
import { DiscordAPIError, HTTPError, REST, type RESTOptions } from 'discord.js';
import { PlatformCallError } from '../render/retry.ts';

export const DISCORD_DEFAULT_API_URL = 'https://discord.com/api';

export function discordRestOptions(apiUrl: string | undefined): Partial<RESTOptions> {
  return {
    api: (apiUrl ?? DISCORD_DEFAULT_API_URL).replace(/\/+$/, ''),
    version: '10',
    retries: 0,
    timeout: 10_000,
  };
}

export function createDiscordRest(token: string | undefined, apiUrl: string | undefined): REST {
  const rest = new REST(discordRestOptions(apiUrl));
  if (token) rest.setToken(token);
  return rest;
}

/** 4xx answers are final (bad request, unknown or expired interaction); the rest may pass on retry. */
export function classifyDiscordError(e: unknown): PlatformCallError {
  if (e instanceof PlatformCallError) return e;
  if (e instanceof DiscordAPIError || e instanceof HTTPError) {
    return new PlatformCallError(
      `${e.method} ${e.url.replace(/\/webhooks\/(\d+)\/[^/]+/, '/webhooks/$1/…').replace(/\/interactions\/(\d+)\/[^/]+/, '/interactions/$1/…')}: ${e.status} ${e.message}`,
      e.status,
      e.status === 429 || e.status >= 500,
    );
  }
  return new PlatformCallError((e as Error).message ?? String(e), 0, true);
}

export async function discordCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw classifyDiscordError(e);
  }
}
