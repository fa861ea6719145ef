/**
 * The logging the adapters need: the pieces of pino's Logger they call, so the project's logger
 * (`src/observability/logger.ts`) passes straight in and tests can pass a silent one.
 */
import type { Logger } from '../../observability/logger.ts';

export type ChatLog = Pick<Logger, 'info' | 'warn' | 'error'>;
