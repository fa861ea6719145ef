/**
 * Shell patterns (`case`, `${x%pat}`, file names): `*`, `?`, `[...]` (with `!`/`^` and classes)
 * in unquoted text; quoted text and backslash-escaped characters match themselves.
 */

/** A piece of expanded text and whether it came from quotes (then it is literal). */
export interface Seg {
  text: string;
  q: boolean;
}

/** POSIX bracket classes (`[:alpha:]`) as JavaScript character-class ranges. */
export const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Whether unquoted text has pattern characters (so a word needs matching, not comparing). */
export function hasGlob(segs: Seg[]): boolean {
  return segs.some((s) => !s.q && /[*?[]/.test(s.text));
}

/** The regular expression source for a pattern (no anchors); `*` and `?` never match `/` if `path`. */
export function patternSource(segs: Seg[], path = false): string {
  let out = '';
  const any = path ? '[^/]' : '[\\s\\S]';
  for (const seg of segs) {
    if (seg.q) {
      out += esc(seg.text);
      continue;
    }
    const t = seg.text;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if (c === '\\' && i + 1 < t.length) {
        out += esc(t[++i]!);
      } else if (c === '*') out += `${any}*`;
      else if (c === '?') out += any;
      else if (c === '[') {
        const end = bracketEnd(t, i);
        if (end < 0) {
          out += '\\[';
          continue;
        }
        let body = t.slice(i + 1, end);
        let neg = false;
        if (body[0] === '!' || body[0] === '^') {
          neg = true;
          body = body.slice(1);
        }
        let cls = '';
        for (let k = 0; k < body.length; k++) {
          const m = /^\[:([a-z]+):\]/.exec(body.slice(k));
          if (m && POSIX_CLASSES[m[1]!]) {
            cls += POSIX_CLASSES[m[1]!];
            k += m[0].length - 1;
            continue;
          }
          const ch = body[k]!;
          if (ch === '-' && k > 0 && k < body.length - 1) cls += '-';
          else cls += esc(ch);
        }
        out += `[${neg ? '^' : ''}${cls}]`;
        i = end;
      } else out += esc(c);
    }
  }
  return out;
}

function bracketEnd(t: string, start: number): number {
  let k = start + 1;
  if (t[k] === '!' || t[k] === '^') k++;
  if (t[k] === ']') k++;
  for (; k < t.length; k++) {
    if (t.startsWith('[:', k)) {
      const close = t.indexOf(':]', k + 2);
      if (close > 0) {
        k = close + 1;
        continue;
      }
    }
    if (t[k] === ']') return k;
  }
  return -1;
}

/** Whether all of `text` matches the pattern. */
export function matchPattern(segs: Seg[], text: string): boolean {
  try {
    return new RegExp(`^${patternSource(segs)}$`).test(text);
  } catch {
    return segs.map((s) => s.text).join('') === text;
  }
}

/**
 * `${x%pat}` and friends: removes the shortest (or longest) prefix or suffix of `value` that the
 * pattern matches.
 */
export function trimPattern(value: string, segs: Seg[], from: 'prefix' | 'suffix', longest: boolean): string {
  let re: RegExp;
  try {
    re = new RegExp(`^${patternSource(segs)}$`);
  } catch {
    return value;
  }
  const n = value.length;
  if (from === 'prefix') {
    for (let k = longest ? n : 0; longest ? k >= 0 : k <= n; k += longest ? -1 : 1)
      if (re.test(value.slice(0, k))) return value.slice(k);
  } else {
    for (let k = longest ? 0 : n; longest ? k <= n : k >= 0; k += longest ? 1 : -1)
      if (re.test(value.slice(k))) return value.slice(0, k);
  }
  return value;
}

/** `${x/pat/rep}` (`all`: `//`): replaces the longest match(es), leftmost first. */
export function replacePattern(value: string, segs: Seg[], rep: string, all: boolean): string {
  let re: RegExp;
  try {
    re = new RegExp(`^${patternSource(segs)}$`);
  } catch {
    return value;
  }
  let out = '';
  let i = 0;
  let done = false;
  while (i <= value.length) {
    let matched = -1;
    if (!done) {
      for (let k = value.length; k > i; k--) {
        if (re.test(value.slice(i, k))) {
          matched = k;
          break;
        }
      }
    }
    if (matched > 0) {
      out += rep;
      i = matched;
      if (!all) done = true;
      continue;
    }
    if (i < value.length) out += value[i];
    i++;
  }
  return out;
}
