/**
 * JSON progress streams (`jsonmessage`), as pull and push write them: one JSON object per line,
 * each ended by `\r\n` (the daemon's stream formatter).
 */
import { quote } from '../go/json.ts';
import type { ProgressMessage } from '../ops/registry.ts';

/** One message, encoded by `json.Marshal` (so `<`, `>` and `&` are escaped, unlike WriteJSON). */
export function progressLine(m: ProgressMessage): Buffer {
  return Buffer.from(`${marshalPlain(m)}\r\n`);
}

function marshalPlain(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(marshalPlain).join(',')}]`;
  const parts = Object.entries(v as Record<string, unknown>)
    .filter(([, val]) => val !== undefined)
    .map(([k, val]) => `${quote(k)}:${marshalPlain(val)}`);
  return `{${parts.join(',')}}`;
}

/**
 * The pull op's lines (`latest: Pulling from library/nginx`, `a2abf6c4d29d: Pull complete`,
 * `Digest: ...`) as the messages behind them: layer lines carry an empty progressDetail.
 */
export function pullMessages(lines: string[]): ProgressMessage[] {
  return lines.map((line) => {
    const layer = /^([0-9a-f]{12}): (.*)$/.exec(line);
    if (layer) return { status: layer[2]!, progressDetail: {}, id: layer[1]! };
    const from = /^([^:\s]+): (Pulling from .*)$/.exec(line);
    if (from) return { status: from[2]!, id: from[1]! };
    return { status: line };
  });
}
