/**
 * Errors from the simulated daemon. Each carries the HTTP status the Engine API answers with and
 * the exact message Docker 20.10 gives; the CLI prints it after "Error response from daemon: ".
 */
export type EngineStatus = 304 | 400 | 401 | 403 | 404 | 409 | 500 | 501 | 503;

export class EngineError extends Error {
  constructor(
    readonly status: EngineStatus,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export const badRequest = (message: string) => new EngineError(400, message);
export const forbidden = (message: string) => new EngineError(403, message);
export const notFound = (message: string) => new EngineError(404, message);
export const conflict = (message: string) => new EngineError(409, message);
export const serverError = (message: string) => new EngineError(500, message);
export const unavailable = (message: string) => new EngineError(503, message);
