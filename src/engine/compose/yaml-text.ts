/**
 * A compose file's YAML: parsed with the `yaml` package, syntax errors reworded as the two
 * Composes word them (PyYAML's marked errors for 1.29, go-yaml's `yaml: line N: ...` for v2),
 * and a map from a value's path to its line so validation errors can name the line.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ComposeError, V2_EXIT } from './errors.ts';

export interface YamlText {
  data: unknown;
  /** 1-based line of the value at `path` (or of its nearest ancestor found). */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/**
 * Parses `text`; `shown` is how each Compose names the file in messages (1.29: `./x.yml` as
 * given; v2: the absolute path).
 */
export function parseYamlText(text: string, shown: { v1: string; v2: string }): YamlText {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const at = lc.linePos(first.pos[0]);
    const w = wordSyntaxError(first.code, text, at.line, at.col);
    const mark = (m: Mark) => `  in "${shown.v1}", line ${m.line}, column ${m.col}`;
    const v1 = [
      `${w.kind}: ${w.context ? w.context.text : w.problem.text}`,
      // PyYAML leaves the context mark out when it is where the problem is.
      ...(w.context
        ? [
            ...(w.context.line !== w.problem.line || w.context.col !== w.problem.col
              ? [mark(w.context)]
              : []),
            w.problem.text,
          ]
        : []),
      mark(w.problem),
    ];
    throw new ComposeError(v1.join('\n'), `yaml: line ${w.v2Line}: ${w.v2}`, V2_EXIT.parse, w.problem.line);
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return {
    data,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line: number | undefined = lineOfNode(lc, node);
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
          if (!pair) break;
          line = lineOfNode(lc, pair.key) ?? line;
          node = pair.value;
          if (isMap(node) || isSeq(node)) continue;
          line = lineOfNode(lc, node) ?? line;
        } else if (isSeq(node) && typeof key === 'number') {
          node = node.items[key];
          line = lineOfNode(lc, node) ?? line;
        } else break;
      }
      return line;
    },
  };
}

function lineOfNode(lc: LineCounter, node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

interface Mark {
  line: number;
  col: number;
}

interface Worded {
  kind: string;
  context?: Mark & { text: string };
  problem: Mark & { text: string };
  v2Line: number;
  v2: string;
}

/** The messages PyYAML and go-yaml give for what the `yaml` package reports as `code`. */
function wordSyntaxError(code: string, text: string, line: number, col: number): Worded {
  const lines = text.split('\n');
  const end: Mark = { line: lines.length, col: 1 };
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      // A key indented under a scalar: both parsers complain at the `:` of the next key line.
      for (let n = line + 1; n <= lines.length; n++) {
        const l = lines[n - 1] ?? '';
        const colon = l.search(/:(\s|$)/);
        if (colon >= 0 && !l.trim().startsWith('#')) {
          return {
            kind: 'yaml.scanner.ScannerError',
            problem: { line: n, col: colon + 1, text: 'mapping values are not allowed here' },
            v2Line: n,
            v2: 'mapping values are not allowed in this context',
          };
        }
      }
      break;
    case 'TAB_AS_INDENT':
      return {
        kind: 'yaml.scanner.ScannerError',
        context: { line, col, text: 'while scanning for the next token' },
        problem: { line, col, text: "found character '\\t' that cannot start any token" },
        v2Line: line,
        v2: 'found character that cannot start any token',
      };
    case 'MISSING_CHAR': {
      const flow = findOpen(lines, /\[/);
      if (flow && !/["']/.test(lines[flow.line - 1]!.slice(flow.col - 1))) {
        return unclosedFlowSequence(flow, end);
      }
      const quote = findOpen(lines, /["']/);
      return {
        kind: 'yaml.scanner.ScannerError',
        context: { ...(quote ?? { line, col }), text: 'while scanning a quoted scalar' },
        problem: { ...end, text: 'found unexpected end of stream' },
        v2Line: quote?.line ?? line,
        v2: 'found unexpected end of stream',
      };
    }
    case 'BAD_INDENT': {
      const flow = findOpen(lines, /\[/);
      if (flow) {
        return unclosedFlowSequence(flow, end);
      }
      break;
    }
    default:
      break;
  }
  return {
    kind: 'yaml.parser.ParserError',
    context: { line, col: 1, text: 'while parsing a block mapping' },
    problem: { line, col, text: 'expected <block end>, but found something else' },
    v2Line: line,
    v2: 'did not find expected key',
  };
}

/** A flow sequence `[` opened at `flow` and never closed before the stream ends at `end`. */
function unclosedFlowSequence(flow: Mark, end: Mark): Worded {
  return {
    kind: 'yaml.parser.ParserError',
    context: { ...flow, text: 'while parsing a flow sequence' },
    problem: { ...end, text: "expected ',' or ']', but got '<stream end>'" },
    v2Line: end.line,
    v2: "did not find expected ',' or ']'",
  };
}

/** The last unbalanced opening (a `[` or a quote) in the file, where PyYAML marks its context. */
function findOpen(lines: string[], opener: RegExp): Mark | null {
  let found: Mark | null = null;
  lines.forEach((l, i) => {
    const at = l.search(opener);
    if (at < 0) return;
    const ch = l[at]!;
    const closer = ch === '[' ? ']' : ch;
    if (!l.slice(at + 1).includes(closer)) found = { line: i + 1, col: at + 1 };
  });
  return found;
}
