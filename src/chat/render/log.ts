/** The logging the adapters need: pino's shape, so a pino logger passes straight in. */
import pino from 'pino';

export interface ChatLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** JSON lines on stderr (stdout stays free for the CLI's own output). */
export function createChatLog(name: string, level: string): ChatLog {
  return pino({ name, level }, pino.destination(2));
}

export const silentLog: ChatLog = { info() {}, warn() {}, error() {} };
