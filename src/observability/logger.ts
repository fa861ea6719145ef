/**
 * Structured logs (pino, one JSON object a line on stdout). Components take a logger as a
 * parameter; `silentLogger` is the default so libraries and tests stay quiet unless asked.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(
  level: LogLevel,
  name = 'docker-tutor',
  destination?: DestinationStream,
): Logger {
  const opts = { name, level, base: { pid: process.pid } };
  return destination ? pino(opts, destination) : pino(opts);
}

export const silentLogger: Logger = pino({ level: 'silent' });
