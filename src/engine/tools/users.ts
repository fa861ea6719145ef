/**
 * Users inside a container: `--user name|uid[:group|gid]` resolved against the image's
 * /etc/passwd and /etc/group as runc does, and busybox's `id` and `whoami` on the result.
 * The course's alpine image has only `root` in /etc/passwd and no /etc/group.
 */
import type { Engine } from '../engine.ts';
import type { ContainerRecord } from '../model/state.ts';
import { readFile } from './fs.ts';
import { exited, type Proc, type ProcResult } from './process.ts';

export interface ExecUser {
  uid: number;
  gid: number;
  /** Supplementary groups as the kernel reports them (runc sets the primary group). */
  groups: number[];
  home: string;
}

interface DbEntry {
  name: string;
  id: number;
  gid: number;
  home: string;
}

function passwd(engine: Engine, c: ContainerRecord): DbEntry[] {
  return parseDb(readFile(engine, c, '/etc/passwd'), (f) => ({
    name: f[0]!,
    id: Number(f[2]),
    gid: Number(f[3]),
    home: f[5] ?? '',
  }));
}

function groupDb(engine: Engine, c: ContainerRecord): DbEntry[] {
  return parseDb(readFile(engine, c, '/etc/group'), (f) => ({
    name: f[0]!,
    id: Number(f[2]),
    gid: 0,
    home: '',
  }));
}

function parseDb(text: string | null, row: (fields: string[]) => DbEntry): DbEntry[] {
  if (!text) return [];
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => row(l.split(':')))
    .filter((e) => Number.isInteger(e.id));
}

const isNumber = (s: string) => /^\d+$/.test(s);

/**
 * runc's `GetExecUser`: the spec's user and group, or the daemon's error text
 * (`unable to find user bob: no matching entries in passwd file`).
 */
export function resolveUser(engine: Engine, c: ContainerRecord, spec: string): ExecUser | { error: string } {
  const [userPart = '', groupPart] = spec.split(':', 2) as [string?, string?];
  const users = passwd(engine, c);
  let uid = 0;
  let gid = 0;
  let home = '/';
  const byName = users.find((u) => u.name === userPart);
  const byId = isNumber(userPart) ? users.find((u) => u.id === Number(userPart)) : undefined;
  if (userPart === '') {
    const root = users.find((u) => u.id === 0);
    home = root?.home ?? '/';
  } else if (byName || byId) {
    const u = (byName ?? byId)!;
    uid = u.id;
    gid = u.gid;
    home = u.home;
  } else if (isNumber(userPart)) {
    uid = Number(userPart);
  } else {
    return { error: `unable to find user ${userPart}: no matching entries in passwd file` };
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumber(groupPart)) gid = Number(groupPart);
    else {
      const g = groupDb(engine, c).find((x) => x.name === groupPart);
      if (!g) return { error: `unable to find group ${groupPart}: no matching entries in group file` };
      gid = g.id;
    }
  }
  return { uid, gid, groups: [gid], home };
}

/** The process's user, for the applets (an unresolvable one was refused before it started). */
function procUser(p: Proc): ExecUser {
  const u = resolveUser(p.engine, p.container, p.user);
  return 'error' in u ? { uid: 0, gid: 0, groups: [0], home: '/' } : u;
}

const userName = (p: Proc, uid: number) => passwd(p.engine, p.container).find((u) => u.id === uid)?.name;
const groupName = (p: Proc, gid: number) => groupDb(p.engine, p.container).find((g) => g.id === gid)?.name;

const ID_USAGE =
  'Usage: id [-ugGnr] [USER]\n\nPrint information about USER or the current user\n\n\t-u\tUser ID\n\t-g\tGroup ID\n\t-G\tSupplementary group IDs\n\t-n\tPrint names instead of numbers\n\t-r\tPrint real ID instead of effective ID\n';

export function id(p: Proc): ProcResult {
  const flags = new Set<string>();
  const names: string[] = [];
  for (const a of p.argv.slice(1)) {
    if (a.startsWith('-') && a.length > 1) for (const ch of a.slice(1)) flags.add(ch);
    else names.push(a);
  }
  const bad = [...flags].find((f) => !'ugGnr'.includes(f));
  const selectors = ['u', 'g', 'G'].filter((f) => flags.has(f)).length;
  // -n and -r need one of -u/-g/-G; at most one of those; at most one USER.
  if (bad || selectors > 1 || names.length > 1 || ((flags.has('n') || flags.has('r')) && selectors === 0)) {
    if (bad) p.err(`id: invalid option -- '${bad}'\n`);
    p.err(`BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\n${ID_USAGE}`);
    return exited(1);
  }
  let user: ExecUser;
  if (names[0] !== undefined) {
    const entry = passwd(p.engine, p.container).find((u) => u.name === names[0]);
    if (!entry) {
      p.err(`id: unknown user ${names[0]}\n`);
      return exited(1);
    }
    user = { uid: entry.id, gid: entry.gid, groups: [entry.gid], home: entry.home };
  } else user = procUser(p);
  const byName = flags.has('n');
  let status = 0;
  // busybox's print_common: the number unless names were asked for and exist.
  const one = (n: number, name: string | undefined, prefix: string, paren: boolean): string => {
    let s = prefix;
    if (!byName || name === undefined) s += String(n);
    if (paren && name !== undefined) s += `(${name})`;
    else if (byName) {
      if (name !== undefined) s += name;
      else {
        p.out(s);
        s = '';
        p.err(`id: unknown ID ${n}\n`);
        status = 1;
      }
    }
    return s;
  };
  if (flags.has('u')) p.out(`${one(user.uid, userName(p, user.uid), '', false)}\n`);
  else if (flags.has('g')) p.out(`${one(user.gid, groupName(p, user.gid), '', false)}\n`);
  else if (flags.has('G')) {
    let line = one(user.gid, groupName(p, user.gid), '', false);
    for (const g of user.groups.filter((x) => x !== user.gid)) line += one(g, groupName(p, g), ' ', false);
    p.out(`${line}\n`);
  } else {
    let line = one(user.uid, userName(p, user.uid), 'uid=', true);
    line += one(user.gid, groupName(p, user.gid), ' gid=', true);
    user.groups.forEach((g, i) => {
      line += one(g, groupName(p, g), i === 0 ? ' groups=' : ',', true);
    });
    p.out(`${line}\n`);
  }
  return exited(status);
}

export function whoami(p: Proc): ProcResult {
  const { uid } = procUser(p);
  const name = userName(p, uid);
  if (name === undefined) {
    p.err(`whoami: unknown uid ${uid}\n`);
    return exited(1);
  }
  p.out(`${name}\n`);
  return exited(0);
}
