/**
 * `npm run bench:topology`: how long a `/topology` picture takes for a big sandbox (10 user
 * networks, 30 containers), phase by phase. Target: the whole render (DOT -> SVG -> PNG) p50
 * under 150 ms once the wasm Graphviz is loaded.
 *   BENCH_ROUNDS=50 npm run bench:topology
 */
import { toDot } from '../src/topology/dot.ts';
import { topologyFromState } from '../src/topology/from-sim-state.ts';
import { reachMatrix } from '../src/topology/reachability.ts';
import { dotToSvg, renderDiagram, svgToPng } from '../src/topology/render.ts';
import { summarize } from '../src/topology/summary.ts';
import { large } from '../test/topology/scenarios.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const TARGET_MS = 150;

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * q))] ?? Number.NaN;

async function time(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function series(fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) out.push(await time(fn));
  return out;
}

async function main() {
  const engine = await large(10, 30);
  const t = topologyFromState(engine.state);
  const cold = await time(() => renderDiagram(t));
  const dot = toDot(t);
  const svg = await dotToSvg(dot);
  const rows: Array<[string, number[]]> = [
    ['model from sim state', await series(() => topologyFromState(engine.state))],
    ['text summary', await series(() => summarize(t))],
    ['reachability matrix', await series(() => reachMatrix(t))],
    ['DOT', await series(() => toDot(t))],
    ['SVG (wasm Graphviz)', await series(() => dotToSvg(dot))],
    ['PNG (resvg)', await series(() => svgToPng(svg))],
    ['render total (DOT+SVG+PNG)', await series(() => renderDiagram(t))],
  ];
  const { png } = await renderDiagram(t);
  const fmt = (n: number) => n.toFixed(1).padStart(8);
  const name = 38;
  console.log(
    `topology bench: ${t.networks.length} networks (10 user), ${t.containers.length} containers, ${ROUNDS} rounds`,
  );
  console.log(`${'phase'.padEnd(name)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'max ms'.padStart(8)}`);
  for (const [what, xs] of rows) {
    console.log(
      `${what.padEnd(name)}${fmt(quantile(xs, 0.5))}${fmt(quantile(xs, 0.95))}${fmt(Math.max(...xs))}`,
    );
  }
  console.log(`${'first render (loads wasm Graphviz)'.padEnd(name)}${fmt(cold)}`);
  const total = quantile(rows.at(-1)![1], 0.5);
  console.log(`PNG: ${png.length} bytes (limit 307200)`);
  console.log(
    `render p50 ${total.toFixed(1)} ms: ${total < TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target`,
  );
}

await main();
