/**
 * `/topology`: the student's networks as text and a picture, and who can reach whom; plus the
 * `--topology` suffix of `/docker` and the one-line "what changed" after a command that changed
 * the topology (a hook around `/docker`, so the docker command itself stays untouched).
 */
import { sandboxKey } from '../../sandbox/backend.ts';
import { whatChanged } from '../../topology/diff.ts';
import { toDot } from '../../topology/dot.ts';
import { isRunning, type Topology, visibleNetworks } from '../../topology/model.ts';
import {
  explain,
  HOST,
  OUTSIDE,
  reach,
  reachMatrix,
  UnknownPartyError,
} from '../../topology/reachability.ts';
import { renderDiagram } from '../../topology/render.ts';
import { readTopology } from '../../topology/source.ts';
import { summarize } from '../../topology/summary.ts';
import { registerDockerHook } from '../docker-hooks.ts';
import { registerSlashCommand, reply } from '../slash-commands.ts';
import { code, type ReplyBlock, type TutorRequest, text } from '../types.ts';

export const TOPOLOGY_USAGE = [
  'Usage:',
  '  /topology                 your networks and containers, as text and a picture',
  '  /topology text            the text only',
  '  /topology reach           who reaches whom (by name, by address, or not at all)',
  `  /topology reach A B       can A reach B, and why (A, B: containers, ${HOST} or ${OUTSIDE})`,
  '  /topology dot             the Graphviz source of the picture',
  '  /docker ... --topology    run a command, then show what it changed',
].join('\n');

const keyOf = (req: TutorRequest) =>
  sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);

/** The summary and the picture; a picture that fails to render never costs the text. */
export async function topologyBlocks(t: Topology): Promise<ReplyBlock[]> {
  const blocks: ReplyBlock[] = [code(summarize(t))];
  try {
    const { png } = await renderDiagram(t);
    const running = t.containers.filter(isRunning).length;
    blocks.push({
      kind: 'image',
      name: 'topology.png',
      mime: 'image/png',
      data: png,
      alt: `Network diagram: ${visibleNetworks(t).length} networks, ${t.containers.length} containers (${running} running)`,
    });
  } catch (e) {
    console.error('[topology] rendering failed:', e);
    blocks.push(text('(The picture could not be drawn this time; the text above is complete.)'));
  }
  return blocks;
}

function reachBlocks(t: Topology, words: string[]): ReplyBlock[] {
  try {
    if (words.length === 0) return [code(reachMatrix(t))];
    const [from, to] = words as [string, string | undefined];
    if (to !== undefined) return [code(explain(reach(t, from, to)))];
    // From one container to every other running one, the host and the internet.
    const others = t.containers.filter((c) => isRunning(c) && c.name !== from).map((c) => c.name);
    const answers = [...others, HOST, OUTSIDE].map((x) => reach(t, from, x));
    const line = (r: ReturnType<typeof reach>) =>
      `${r.to.padEnd(12)} ${r.byName.ok ? 'by name' : r.byAddress.ok ? 'by address only' : 'no'}: ${
        (r.byName.ok ? r.byName : r.byAddress).why
      }`;
    return [code([`from ${answers[0]?.from ?? from}:`, ...answers.slice(0, 23).map(line)].join('\n'))];
  } catch (e) {
    if (e instanceof UnknownPartyError) {
      const names = t.containers.map((c) => c.name);
      return [
        text(
          `No such container: ${e.term}. ${names.length ? `Yours: ${names.join(', ')}` : 'You have no containers yet'}; or say ${HOST} or ${OUTSIDE}.`,
        ),
      ];
    }
    throw e;
  }
}

registerSlashCommand('topology', {
  summary: 'your networks and containers as text and a picture, and who can reach whom',
  usage: '/topology',
  handler: async (req, args, deps) => {
    const words = args.trim().split(/\s+/).filter(Boolean);
    const sub = (words[0] ?? '').toLowerCase();
    if (!['', 'text', 'reach', 'why', 'dot'].includes(sub) || (sub === 'reach' && words.length > 3)) {
      return reply(req, text(TOPOLOGY_USAGE));
    }
    const t = await readTopology(deps.backend, keyOf(req));
    if (sub === 'text') return reply(req, code(summarize(t)));
    if (sub === 'dot') return reply(req, { kind: 'code', text: toDot(t), language: 'dot' });
    if (sub === 'reach' || sub === 'why') return reply(req, ...reachBlocks(t, words.slice(1)));
    return reply(req, ...(await topologyBlocks(t)));
  },
});

/** `--topology` as the last word of a `/docker` line. */
const SUFFIX = /\s+--topology\s*$/;

/**
 * Commands that can change the topology; only these pay for reading it before and after.
 * Read-only ones (ls, inspect, ps, logs, exec...) never do.
 */
const CHANGERS = new Set([
  'run',
  'create',
  'start',
  'stop',
  'restart',
  'kill',
  'rm',
  'rename',
  'pause',
  'unpause',
  'network connect',
  'network disconnect',
  'network create',
  'network rm',
  'network remove',
  'network prune',
  'container run',
  'container create',
  'container start',
  'container stop',
  'container restart',
  'container kill',
  'container rm',
  'container rename',
  'container prune',
  'container pause',
  'container unpause',
  'system prune',
  'swarm init',
  'swarm leave',
  'service create',
  'service rm',
  'service scale',
  'service update',
  'compose',
]);

export function changesTopology(args: string): boolean {
  const words = args.trim().split(/\s+/);
  return CHANGERS.has(words[0] ?? '') || CHANGERS.has(`${words[0]} ${words[1]}`);
}

registerDockerHook(async (run, next) => {
  const asked = SUFFIX.test(run.args);
  const args = run.args.replace(SUFFIX, '');
  // Reading a simulated sandbox is free; a real one costs four `docker` commands each side, so
  // there the line comes only when asked for.
  const watch = asked || (run.deps.backend.kind === 'sim' && changesTopology(args));
  if (!watch) return next(args);
  const read = () =>
    readTopology(run.deps.backend, run.key).catch((e: unknown) => {
      console.error('[topology] could not read the topology:', e);
      return null;
    });
  const before = await read();
  const outcome = await next(args);
  const after = await read();
  const blocks: ReplyBlock[] = [...outcome.after];
  const changed = before && after ? whatChanged(before, after) : null;
  if (changed) blocks.push(text(changed));
  if (asked && after) {
    if (!changed) blocks.push(text('Topology unchanged.'));
    blocks.push(...(await topologyBlocks(after)));
  }
  return { result: outcome.result, after: blocks };
});
