/**
 * Go's text/tabwriter, as the docker CLI configures it for tables (`NewWriter(out, 10, 1, 3, ' ', 0)`):
 * tab-terminated cells are padded to their column width; a line's last cell is not. Columns are
 * found in blocks of consecutive lines, exactly as Go does, so ragged `--format "table ..."`
 * templates line up the same way.
 */
export interface TabwriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  padchar: string;
}

export const DOCKER_TABLE: TabwriterOptions = { minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ' };

export function tabwrite(text: string, opts: TabwriterOptions = DOCKER_TABLE): string {
  const endsWithNewline = text.endsWith('\n');
  const rawLines = text.split('\n');
  if (endsWithNewline) rawLines.pop();
  const lines = rawLines.map((l) => l.split('\t'));
  const widths: number[][] = lines.map((cells) => cells.map(() => 0));
  format(lines, widths, 0, 0, lines.length, opts);
  const out = lines.map((cells, i) =>
    cells
      .map((cell, j) => {
        if (j === cells.length - 1) return cell;
        const w = widths[i]![j]!;
        return cell + opts.padchar.repeat(Math.max(0, w - width(cell)));
      })
      .join(''),
  );
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

/** Go's tabwriter.format: column `col` over lines [line0, line1). */
function format(
  lines: string[][],
  widths: number[][],
  col: number,
  line0: number,
  line1: number,
  opts: TabwriterOptions,
): void {
  let i = line0;
  while (i < line1) {
    // Cells in column `col` exist only for lines with more than col+1 cells (tab-terminated).
    if (lines[i]!.length - 1 <= col) {
      i++;
      continue;
    }
    const start = i;
    let w = opts.minwidth;
    let discardable = true;
    for (; i < line1; i++) {
      const cells = lines[i]!;
      if (cells.length - 1 <= col) break;
      const cw = width(cells[col]!) + opts.padding;
      if (cw > w) w = cw;
      if (width(cells[col]!) > 0) discardable = false;
    }
    // A column block of empty cells only is discarded (width 0) in Go only with DiscardEmptyColumns.
    void discardable;
    for (let k = start; k < i; k++) widths[k]![col] = w;
    format(lines, widths, col + 1, start, i, opts);
  }
}

/** Display width as Go counts it: one per rune (utf8.RuneCountInString). */
function width(s: string): number {
  return [...s].length;
}
