/**
 * Command-line flags as the docker CLI parses them (spf13/pflag under cobra): `--name value`,
 * `--name=value`, `-n value`, `-nvalue`, grouped booleans `-dit`, `--` to stop, and pflag's error
 * texts. Values are kept as the user wrote them; each command interprets its own.
 */

export type FlagType =
  | 'bool'
  | 'string'
  | 'int'
  | 'uint'
  | 'duration'
  /** `StringSlice`: comma-separated values, repeatable; shown as `strings`. */
  | 'strings'
  /** `StringArray`: repeatable, no comma splitting. */
  | 'stringArray'
  /** docker's `ListOpts`: repeatable, shown as `list`. */
  | 'list'
  /** docker's `MapOpts`: `key=value`, repeatable, shown as `map`. */
  | 'map'
  /** A repeatable option shown with its own type name (`filter`, `port`, `ip`, `bytes`...). */
  | { repeatable: boolean; typeName: string };

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  /** Shown in help as `(default ...)` when not the zero value. */
  defaultText?: string;
  help: string;
  hidden?: boolean;
}

/** docker's `--filter` flag (a repeatable `filter` value), with or without `-f`. */
export function filterFlag(help: string, short = false): FlagSpec {
  return {
    name: 'filter',
    ...(short ? { short: 'f' } : {}),
    type: { repeatable: true, typeName: 'filter' },
    help,
  };
}

export interface ParsedFlags {
  /** Values by long name: booleans as 'true'/'false', repeatable flags accumulate. */
  values: Map<string, string[]>;
  args: string[];
}

export class FlagError extends Error {}

const isRepeatable = (t: FlagType) =>
  t === 'strings' ||
  t === 'stringArray' ||
  t === 'list' ||
  t === 'map' ||
  (typeof t === 'object' && t.repeatable);

export function typeName(t: FlagType): string {
  if (typeof t === 'object') return t.typeName;
  if (t === 'bool') return '';
  return t;
}

/**
 * Parses `argv` against `specs`. With `interspersed` false (docker run, exec), the first
 * positional argument ends flag parsing, as `docker run IMAGE CMD --flags-of-cmd` needs.
 */
export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  interspersed = true,
): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const values = new Map<string, string[]>();
  const args: string[] = [];
  const set = (spec: FlagSpec, value: string) => {
    if (spec.type === 'int' || spec.type === 'uint') {
      if (!/^-?\d+$/.test(value) || (spec.type === 'uint' && value.startsWith('-'))) {
        const flagDesc = spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
        throw new FlagError(
          `invalid argument "${value}" for "${flagDesc}" flag: strconv.Parse${spec.type === 'int' ? 'Int' : 'Uint'}: parsing "${value}": invalid syntax`,
        );
      }
    }
    if (
      spec.type === 'bool' &&
      !['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F'].includes(value)
    ) {
      const flagDesc = spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
      throw new FlagError(
        `invalid argument "${value}" for "${flagDesc}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
      );
    }
    const list = values.get(spec.name) ?? [];
    if (isRepeatable(spec.type)) {
      if (spec.type === 'strings') list.push(...(value === '' ? [] : parseCsv(value)));
      else list.push(value);
      values.set(spec.name, list);
    } else {
      values.set(spec.name, [value]);
    }
  };

  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byName.get(name);
      if (!spec) {
        if (name === 'help') throw new HelpRequested();
        throw new FlagError(`unknown flag: --${name}`);
      }
      if (eq >= 0) set(spec, a.slice(eq + 1));
      else if (spec.type === 'bool') set(spec, 'true');
      else if (i + 1 < argv.length) {
        set(spec, argv[i + 1]!);
        i++;
      } else throw new FlagError(`flag needs an argument: --${name}`);
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let j = 1;
      while (j < a.length) {
        const c = a[j]!;
        const spec = byShort.get(c);
        if (!spec) {
          if (c === 'h') throw new HelpRequested();
          throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        }
        if (spec.type === 'bool') {
          if (a[j + 1] === '=') {
            set(spec, a.slice(j + 2));
            break;
          }
          set(spec, 'true');
          j++;
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest.length > 0) set(spec, rest.startsWith('=') ? rest.slice(1) : rest);
        else if (i + 1 < argv.length) {
          set(spec, argv[i + 1]!);
          i++;
        } else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        break;
      }
      i++;
      continue;
    }
    args.push(a);
    i++;
    if (!interspersed) {
      args.push(...argv.slice(i));
      break;
    }
  }
  return { values, args };
}

/** `-h`/`--help` anywhere among the flags. */
export class HelpRequested extends Error {}

/** pflag's StringSlice reads its value as one CSV record. */
export function parseCsv(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** pflag's `FlagUsagesWrapped`, without wrapping: the aligned `Options:` block of `--help`. */
export function flagUsages(specs: readonly FlagSpec[]): string {
  const lines: string[] = [];
  let maxlen = 0;
  const sorted = [...specs]
    .filter((s) => !s.hidden)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const spec of sorted) {
    let line = spec.short ? `  -${spec.short}, --${spec.name}` : `      --${spec.name}`;
    const backquoted = /`([^`]+)`/.exec(spec.help);
    const varname = backquoted ? backquoted[1]! : typeName(spec.type);
    const usage = backquoted ? spec.help.replace(/`([^`]+)`/, '$1') : spec.help;
    if (varname) line += ` ${varname}`;
    line += '\x00';
    maxlen = Math.max(maxlen, line.length);
    line += usage;
    if (spec.defaultText !== undefined) line += ` (default ${spec.defaultText})`;
    lines.push(line);
  }
  return lines
    .map((line) => {
      const sidx = line.indexOf('\x00');
      return `${line.slice(0, sidx)} ${' '.repeat(maxlen - sidx)} ${line.slice(sidx + 1)}`;
    })
    .join('\n');
}

/** Reads parsed flags with their types. */
export class FlagValues {
  constructor(private readonly parsed: ParsedFlags) {}
  has(name: string): boolean {
    return this.parsed.values.has(name);
  }
  /** The flags given on the command line (pflag's `Changed`), by long name. */
  names(): string[] {
    return [...this.parsed.values.keys()];
  }
  string(name: string, fallback = ''): string {
    const v = this.parsed.values.get(name);
    return v?.length ? v[v.length - 1]! : fallback;
  }
  bool(name: string): boolean {
    const v = this.string(name, 'false');
    return ['true', '1', 't', 'TRUE', 'True', 'T'].includes(v);
  }
  int(name: string, fallback = 0): number {
    const v = this.parsed.values.get(name);
    return v?.length ? Number(v[v.length - 1]) : fallback;
  }
  list(name: string): string[] {
    return [...(this.parsed.values.get(name) ?? [])];
  }
}
