/**
 * Docker's stream multiplexing (`stdcopy`): each chunk of a non-TTY stream is framed with an
 * 8-byte header, the stream (1 stdout, 2 stderr) then three zero bytes and the length, big-endian.
 */
export function frame(stream: 'stdin' | 'stdout' | 'stderr', payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdin' ? 0 : stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
