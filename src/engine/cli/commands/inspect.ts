/** `docker inspect`: any object by name or ID (container, image, network), or of one `--type`. */

import { EngineError } from '../../errors.ts';
import { getContainer } from '../../ops/containers.ts';
import { findImage } from '../../ops/images.ts';
import { networkInspect } from '../../ops/networks.ts';
import { containerView } from '../../views/container-view.ts';
import { imageView } from '../../views/image-view.ts';
import { networkView } from '../../views/network-view.ts';
import type { LeafCommand } from '../command.ts';
import { inspectObjects } from '../common.ts';
import { registerCommand } from '../docker.ts';

const TYPES = [
  'container',
  'image',
  'network',
  'node',
  'service',
  'task',
  'plugin',
  'secret',
  'config',
  'volume',
];

export const inspectCommand: LeafCommand = {
  name: 'inspect',
  use: '[OPTIONS] NAME|ID [NAME|ID...]',
  short: 'Return low-level information on Docker objects',
  args: { kind: 'min', n: 1 },
  flags: [
    { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
    { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes if the type is container' },
    { name: 'type', type: 'string', help: 'Return JSON for specified type' },
  ],
  run(ctx) {
    const type = ctx.flags.string('type');
    if (type && !TYPES.includes(type)) {
      ctx.term.eprintln(`"${type}" is not a valid value for --type`);
      return 1;
    }
    const size = ctx.flags.bool('size');
    return inspectObjects(ctx, ctx.args, ctx.flags.string('format'), (term) => {
      const tryGet = <T>(fn: () => T): T | null => {
        try {
          return fn();
        } catch (e) {
          if (e instanceof EngineError && (e.status === 404 || e.status === 400)) return null;
          throw e;
        }
      };
      if (!type || type === 'container') {
        const c = tryGet(() => getContainer(ctx.engine, term));
        if (c) return containerView(ctx.engine, c, size);
        if (type) return { notFound: `Error: No such container: ${term}` };
      }
      if (!type || type === 'image') {
        const img = findImage(ctx.engine, term);
        if (img) return imageView(ctx.engine, img);
        if (type) return { notFound: `Error: No such image: ${term}` };
      }
      if (!type || type === 'network') {
        const nw = tryGet(() => networkInspect(ctx.engine, term));
        if (nw) return networkView(ctx.engine, nw);
        if (type) return { notFound: `Error: No such network: ${term}` };
      }
      return { notFound: type ? `Error: No such ${type}: ${term}` : `Error: No such object: ${term}` };
    });
  },
};

registerCommand(inspectCommand);
