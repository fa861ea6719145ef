/**
 * The diagram: DOT snapshots (stable across runs), SVG from wasm Graphviz, a valid PNG under
 * 300 kB, and the same bytes for the same state.
 */
import { describe, expect, it } from 'vitest';
import { toDot } from '../../src/topology/dot.ts';
import { topologyFromState } from '../../src/topology/from-sim-state.ts';
import { dotToSvg, renderDiagram } from '../../src/topology/render.ts';
import { freshEngine, sh } from './sandbox.ts';
import { classroom, large } from './scenarios.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which must come first. */
function ihdr(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(view.getUint32(8)).toBe(13);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('topology diagram', () => {
  it('DOT for a fresh sandbox', async () => {
    await expect(toDot(topologyFromState(freshEngine().state))).toMatchFileSnapshot(
      '__snapshots__/fresh.dot',
    );
  });

  it('DOT for the classroom sandbox (every network kind, a stopped container, ports, links)', async () => {
    await expect(toDot(topologyFromState((await classroom()).state))).toMatchFileSnapshot(
      '__snapshots__/classroom.dot',
    );
  });

  it('DOT for 10 networks and 30 containers wraps into a grid', async () => {
    await expect(toDot(topologyFromState((await large()).state))).toMatchFileSnapshot(
      '__snapshots__/large.dot',
    );
  });

  it('DOT escapes names that would break the graph', async () => {
    const e = freshEngine();
    await sh(e, `docker network create "we<ird>&\\"net"`);
    const dot = toDot(topologyFromState(e.state));
    expect(dot).toContain('"net:we<ird>&\\"net"');
    expect(dot).toContain('<b>we&lt;ird&gt;&amp;&quot;net</b>');
    expect(await dotToSvg(dot)).toMatch(/^<\?xml|<svg/);
  });

  it('renders a valid PNG under 300 kB, the same bytes every time', async () => {
    const t = topologyFromState((await classroom()).state);
    const a = await renderDiagram(t);
    const b = await renderDiagram(topologyFromState((await classroom()).state));
    expect(a.svg).toContain('<svg');
    expect(a.svg).toContain('web');
    const { width, height } = ihdr(a.png);
    expect(width).toBeGreaterThan(400);
    expect(width).toBeLessThanOrEqual(1600);
    expect(height).toBeGreaterThan(100);
    expect(a.png.length).toBeGreaterThan(1000);
    expect(a.png.length).toBeLessThan(300 * 1024);
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
  });

  it('keeps the big sandbox under 300 kB and no wider than 1600 px', async () => {
    const { png } = await renderDiagram(topologyFromState((await large()).state));
    const { width } = ihdr(png);
    expect(width).toBeLessThanOrEqual(1600);
    expect(png.length).toBeLessThan(300 * 1024);
  });
});
