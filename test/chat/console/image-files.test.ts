/**
 * The console writes a reply's pictures to files and prints their paths.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveImages } from '../../../src/chat/console/image-files.ts';
import { replyToPlainText, type TutorReply } from '../../../src/core/types.ts';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('console image files', () => {
  it('writes each image and names its path in the printed reply', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tutor-images-'));
    const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const reply: TutorReply = {
      requestId: 'console-1/2',
      visibility: 'private',
      blocks: [
        { kind: 'code', text: 'summary' },
        { kind: 'image', name: 'topology.png', mime: 'image/png', data, alt: 'Network diagram' },
      ],
    };
    const saved = await saveImages(reply, join(dir, 'out'));
    const path = join(dir, 'out', 'console-1_2-1-topology.png');
    expect(replyToPlainText(saved)).toBe(`summary\n[image: ${path}] Network diagram`);
    expect(new Uint8Array(await readFile(path))).toEqual(data);
    // A reply without pictures is passed through untouched and writes nothing.
    const plain: TutorReply = {
      requestId: 'x',
      visibility: 'private',
      blocks: [{ kind: 'text', text: 'hi' }],
    };
    expect(await saveImages(plain, join(dir, 'none'))).toBe(plain);
  });
});
