/**
 * Cutting text to a platform's limit without splitting a line when a line boundary is near, and
 * formatting tables as aligned monospaced text (both platforms show tables in code blocks).
 */

/** The longest prefix of `text` no longer than `max`, ending at a line break when one is close. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const nl = head.lastIndexOf('\n');
  // Prefer whole lines, unless that would throw away most of the room (one very long line).
  return nl >= max / 2 ? head.slice(0, nl) : head;
}

/** Counts the lines of a text, ignoring one trailing newline. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  return text.replace(/\n$/, '').split('\n').length;
}

/** A table as the docker CLI would align it: columns two spaces apart, no trailing blanks. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [fmt(headers), ...rows.map(fmt)].join('\n');
}

/** Breaks a run of three backticks so output cannot close the code fence it sits in. */
export function defuseFences(text: string): string {
  return text.replace(/```/g, '`\u200b``');
}
