/**
 * Compares transcripts (`$ command` / output / `[exit N]`) after normalizing what real Docker
 * varies from run to run: IDs, times, ping timings, swarm tokens, interface indexes. Strict means
 * identical; lenient also forgives line order within one command and column padding. It follows
 * the team's oracle comparison so our scores and theirs agree.
 */

export interface Block {
  cmd: string;
  out: string[];
  exit: number | null;
  norm?: string[];
}

export function parseTranscript(text: string): Block[] {
  const blocks: Block[] = [];
  let cur: Block | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('$ ')) {
      cur = { cmd: line.slice(2), out: [], exit: null };
      blocks.push(cur);
    } else if (cur && /^\[exit -?\d+\]$/.test(line)) {
      cur.exit = Number(line.slice(6, -1));
    } else if (cur && cur.exit === null) {
      cur.out.push(line);
    }
  }
  return blocks;
}

const HEX64 = /\b[0-9a-f]{64}\b/g;
const SWARM25 = /\b[0-9a-z]{25}\b/g;
const SHORT12 = /(?<![0-9a-zA-Z])[0-9a-z]{12}(?![0-9a-zA-Z])/g;
const hasDigit = (s: string) => /\d/.test(s);

export function normalizeBlocks(blocks: Block[]): Block[] {
  const text = blocks.map((b) => b.out.join('\n')).join('\n');
  const fulls: string[] = [];
  for (const m of text.matchAll(/\b[0-9a-f]{64}\b|\b[0-9a-z]{25}\b/g)) {
    if (hasDigit(m[0]) && !fulls.includes(m[0])) fulls.push(m[0]);
  }
  const tokens = new Map<string, string>();
  const tok = (full: string) => {
    if (!tokens.has(full)) tokens.set(full, `<ID${tokens.size + 1}>`);
    return tokens.get(full)!;
  };
  const norm = (line: string) => {
    let s = line.replace(HEX64, (m) => tok(m));
    s = s.replace(SWARM25, (m) => (hasDigit(m) ? tok(m) : m));
    s = s.replace(SHORT12, (w) => {
      if (!hasDigit(w)) return w;
      const full = fulls.find((f) => f.startsWith(w));
      return tok(full ?? w);
    });
    s = s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<TIME>');
    s = s.replace(
      /\b(Up|Exited \(\d+\)) (Less than a second|About a minute|About an hour|\d+ \w+)( ago)?/g,
      '$1 <AGO>',
    );
    s = s.replace(
      /\b(Less than a second|About a minute|About an hour|\d+ (second|minute|hour|day)s?) ago/g,
      '<AGO>',
    );
    s = s.replace(/time=\d+(\.\d+)? ms/g, 'time=<T> ms');
    s = s.replace(/round-trip min\/avg\/max = [\d./]+ ms/g, 'round-trip min/avg/max = <RTT> ms');
    s = s.replace(/SWMTKN-1-[0-9a-z-]+/g, '<TOKEN>');
    s = s.replace(/\d+\.\d+\.\d+\.\d+:2377/g, '<ADDR>:2377');
    s = s.replace(/^\d+: (eth\d+)@if\d+:/, 'N: $1@ifM:');
    return s.replace(/\s+$/, '');
  };
  for (const b of blocks) {
    b.norm = b.out.map(norm);
    while (b.norm.length && b.norm[b.norm.length - 1] === '') b.norm.pop();
  }
  return blocks;
}

function loose(lines: string[]): string[] {
  return lines
    .filter((x) => x.trim() !== '')
    .map((x) =>
      x
        .replace(/<ID\d+>/g, '<ID>')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .sort();
}

export interface CommandVerdict {
  cmd: string;
  index: number;
  strict: boolean;
  lenient: boolean;
  expected: string[];
  expectedExit: number | null;
  actual: string[] | null;
  actualExit: number | null;
}

export function compareTranscripts(golden: string, actual: string): CommandVerdict[] {
  const g = normalizeBlocks(parseTranscript(golden));
  const a = normalizeBlocks(parseTranscript(actual));
  const byCmd = new Map<string, Block[]>();
  for (const b of a) {
    const list = byCmd.get(b.cmd) ?? [];
    list.push(b);
    byCmd.set(b.cmd, list);
  }
  return g.map((b, index) => {
    const m = byCmd.get(b.cmd)?.shift() ?? null;
    const same = m !== null && m.exit === b.exit;
    const strict = same && JSON.stringify(m!.norm) === JSON.stringify(b.norm);
    const lenient = strict || (same && JSON.stringify(loose(m!.norm!)) === JSON.stringify(loose(b.norm!)));
    return {
      cmd: b.cmd,
      index,
      strict,
      lenient,
      expected: b.norm!,
      expectedExit: b.exit,
      actual: m ? m.norm! : null,
      actualExit: m ? m.exit : null,
    };
  });
}
