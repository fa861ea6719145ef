/**
 * Error responses as the daemon writes them: `{"message":"..."}` and a newline, with the status the
 * engine error carries. A few come from the router itself, before any handler.
 */
import { EngineError } from '../errors.ts';
import type { ApiResponse } from './http.ts';
import { jsonResponse } from './respond.ts';

export function errorResponse(status: number, message: string): ApiResponse {
  return jsonResponse(status, { message });
}

/** The router's 404 for paths and methods it does not serve: only a Content-Type header. */
export function pageNotFound(): ApiResponse {
  return {
    status: 404,
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from('{"message":"page not found"}\n'),
  };
}

/** Maps anything a handler throws to Docker's answer; unexpected errors become a 500, never a crash. */
export function responseForError(e: unknown): ApiResponse {
  if (e instanceof ApiError) return errorResponse(e.status, e.message);
  if (e instanceof EngineError) return errorResponse(e.status, e.message);
  const message = e instanceof Error ? e.message : String(e);
  return errorResponse(500, message);
}

/** An error raised by the API layer itself (request decoding, parameters), with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
