/**
 * The console has no inline pictures: it writes each image block of a reply to a file and names
 * the file instead, so `[image: /tmp/docker-tutor/console-…-topology.png]` can be opened.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TutorReply } from '../../core/types.ts';

/** Where the console writes pictures by default: `$TMPDIR/docker-tutor`. */
export const DEFAULT_IMAGE_DIR = join(tmpdir(), 'docker-tutor');

/** The reply with every image block's name replaced by the path of the file it was written to. */
export async function saveImages(reply: TutorReply, dir = DEFAULT_IMAGE_DIR): Promise<TutorReply> {
  if (!reply.blocks.some((b) => b.kind === 'image')) return reply;
  await mkdir(dir, { recursive: true });
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  const blocks = await Promise.all(
    reply.blocks.map(async (b, i) => {
      if (b.kind !== 'image') return b;
      const path = join(dir, `${safe(reply.requestId)}-${i}-${safe(b.name)}`);
      await writeFile(path, b.data);
      return { ...b, name: path };
    }),
  );
  return { ...reply, blocks };
}
