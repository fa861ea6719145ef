/**
 * Configuration: environment variables, read once, validated, with a message that names the
 * variable that is wrong. `readConfig(env)` is pure so tests pass their own environment.
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const url = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), {
    message: `${name} must be an http(s) URL`,
  });

const int = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must be a whole number from ${min} to ${max}`,
        });
        return z.NEVER;
      }
      return n;
    });

/** Every variable docker-tutor reads, with its default. The README's table lists the same. */
export const envSchema = z.object({
  /** Slack: the app's signing secret (HTTP mode). */
  SLACK_SIGNING_SECRET: optionalString,
  /** Slack: the bot token (`xoxb-...`). */
  SLACK_BOT_TOKEN: optionalString,
  /** Slack: the app-level token (`xapp-...`); set it for Socket Mode. */
  SLACK_APP_TOKEN: optionalString,
  /** Slack Web API base URL; tests point it at a local recorder. Default Slack's own. */
  SLACK_API_URL: url('SLACK_API_URL'),
  /** Slack: user IDs (comma-separated) who are TAs. */
  SLACK_TA_USERS: csv,
  /** Slack: a user group ID whose members are TAs. */
  SLACK_TA_USERGROUP: optionalString,
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  /** Discord REST base URL; tests point it at a local fake. */
  DISCORD_API_URL: url('DISCORD_API_URL'),
  /** Discord: role IDs (comma-separated) whose members are TAs. */
  DISCORD_TA_ROLES: csv,
  /**
   * Discord: the application's public key (64 hex digits, *General Information*). When set, the
   * bot also serves `POST /discord/interactions` on PORT, checking each request's Ed25519 signature.
   */
  DISCORD_PUBLIC_KEY: optionalString.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), {
    message: 'DISCORD_PUBLIC_KEY must be the 64 hex digits of the application public key',
  }),
  /** Discord: guild for `discord register` (global when unset). */
  DISCORD_GUILD_ID: optionalString,
  /** Redis for queues and state; unset = everything in-process (the embedded default). */
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
    message: 'REDIS_URL must look like redis://host:6379',
  }),
  /** HTTP listener port: Slack's /slack/events, Discord's /discord/interactions (with DISCORD_PUBLIC_KEY). */
  PORT: int(3000, 1, 65535),
  /** Health and metrics HTTP port of worker and bot processes (0 = off). */
  METRICS_PORT: int(9464, 0, 65535),
  /** Sandbox backend: `sim` (simulated engine) or `dind` (real Docker-in-Docker). */
  SANDBOX_BACKEND: z.enum(['sim', 'dind']).optional().default('sim'),
  /** Docker host for dind sandboxes (dockerode); default the local socket. */
  DOCKER_HOST: optionalString,
  /** Image for dind sandboxes. */
  SANDBOX_IMAGE: z.string().optional().default('docker:dind'),
  /** Ready dind sandboxes kept warm, so a student's first command skips the cold start. */
  SANDBOX_POOL_SIZE: int(2, 0, 100),
  /** dind security profile: `privileged` where the host allows it, else `caps`; `auto` probes once. */
  SANDBOX_SECURITY: z.enum(['auto', 'privileged', 'caps']).optional().default('auto'),
  /** Commands per user per minute. */
  RATE_LIMIT_PER_MINUTE: int(30, 1, 10_000),
  /** Seconds a command may run. */
  COMMAND_TIMEOUT_SECONDS: int(20, 1, 600),
  /** Idle dind sandboxes (real containers, real memory) are reaped after this many seconds. */
  SANDBOX_IDLE_TTL_SECONDS: int(7200, 60, 7 * 24 * 3600),
  /** Idle simulated sandboxes (a few kB in Redis) are forgotten after this many seconds: 30 days. */
  SIM_SANDBOX_TTL_SECONDS: int(30 * 24 * 3600, 60, 366 * 24 * 3600),
  /** Concurrent jobs per worker process. */
  WORKER_CONCURRENCY: int(16, 1, 1000),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .default('info'),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Reads and validates `env`; throws ConfigError naming every variable that is wrong. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** Names of every variable the schema knows, for the README and the compose file check. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);
