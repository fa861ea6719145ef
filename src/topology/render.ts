/**
 * DOT -> SVG with Graphviz compiled to WebAssembly (no system binary), SVG -> PNG with resvg.
 * The PNG renderer gets its fonts from the `dejavu-fonts-ttf` package and never the system's,
 * so the same topology gives the same bytes on every machine.
 */
import { createRequire } from 'node:module';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { Resvg } from '@resvg/resvg-js';
import { DIAGRAM_FONT, toDot } from './dot.ts';
import type { Topology } from './model.ts';

const require = createRequire(import.meta.url);

/** Widest PNG, in pixels: enough for a chat preview, small enough to stay far under 300 kB. */
export const PNG_MAX_WIDTH = 1600;
/** Pixels per SVG point: 1.5 keeps 10-point labels legible in a thumbnail. */
export const PNG_SCALE = 1.5;

let graphviz: Promise<Graphviz> | undefined;

/** The wasm module loads once per process (~30 ms); later renders reuse it. */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= Graphviz.load();
  return graphviz;
}

let fontFiles: string[] | undefined;

function fonts(): string[] {
  fontFiles ??= ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
    require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
  );
  return fontFiles;
}

export async function dotToSvg(dot: string): Promise<string> {
  const gv = await loadGraphviz();
  return gv.dot(dot, 'svg');
}

/** The SVG's size in points, from its `width="123pt"` attributes. */
function svgWidth(svg: string): number {
  const m = /<svg[^>]*\swidth="([\d.]+)pt"/.exec(svg);
  return m ? Number(m[1]) : 0;
}

export function svgToPng(svg: string): Uint8Array {
  const width = svgWidth(svg);
  const target = Math.min(PNG_MAX_WIDTH, Math.max(1, Math.round((width || 400) * PNG_SCALE)));
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: target },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: fonts(),
      defaultFontFamily: DIAGRAM_FONT,
      sansSerifFamily: DIAGRAM_FONT,
      serifFamily: DIAGRAM_FONT,
      monospaceFamily: DIAGRAM_FONT,
    },
    shapeRendering: 2,
    textRendering: 1,
  });
  return new Uint8Array(resvg.render().asPng());
}

export interface Diagram {
  dot: string;
  svg: string;
  png: Uint8Array;
}

export async function renderDiagram(t: Topology): Promise<Diagram> {
  const dot = toDot(t);
  const svg = await dotToSvg(dot);
  return { dot, svg, png: svgToPng(svg) };
}
