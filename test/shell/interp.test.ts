// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell scripts spell parameters as ${x}
import { describe, expect, it } from 'vitest';
import { type ExecRequest, runShellSync, type ShellEnd } from '../../src/shell/interp.ts';
import { parseShell, ShellSyntaxError } from '../../src/shell/parse.ts';

/** Runs a script with a few fake programs over a small file tree; its output, merged. */
function sh(
  script: string,
  opts: {
    args?: string[];
    horizon?: number;
    signals?: Array<{ sig: string; at: number }>;
    stdin?: string;
  } = {},
) {
  const files: Record<string, string> = { '/etc/hostname': 'box\n' };
  const dirs = new Set(['/', '/etc', '/tmp']);
  let out = '';
  const times: number[] = [];
  const end: ShellEnd = runShellSync(
    script,
    {
      fs: {
        read: (p) => files[p] ?? null,
        write: (p, t, append) => {
          if (!dirs.has(p.replace(/\/[^/]*$/, '') || '/')) return false;
          files[p] = (append ? (files[p] ?? '') : '') + t;
          return true;
        },
        isDir: (p) => dirs.has(p),
        list: (p) =>
          dirs.has(p)
            ? [...dirs, ...Object.keys(files)]
                .filter((f) => f !== p && f.startsWith(p === '/' ? '/' : `${p}/`))
                .map((f) => f.slice(p === '/' ? 1 : p.length + 1))
                .filter((f) => !f.includes('/'))
            : null,
      },
      env: ['PATH=/bin', 'HOME=/root'],
      cwd: '/',
      arg0: 'sh',
      args: opts.args ?? [],
      stdin: () => opts.stdin ?? '',
      out: (t, ms) => {
        out += t;
        times.push(ms);
      },
      err: (t, ms) => {
        out += t;
        times.push(ms);
      },
      ...(opts.horizon !== undefined ? { horizonMs: opts.horizon } : {}),
      signals: opts.signals ?? [],
      stepBudget: 5000,
    },
    (r: ExecRequest) => {
      const [name, ...args] = r.argv;
      if (name === 'sleep') return { code: 0, ms: Number(args[0]) * 1000 };
      if (name === 'cat') {
        r.out(args.length ? args.map((a) => files[a] ?? '').join('') : r.readStdin());
        return { code: 0 };
      }
      if (name === 'env') {
        r.out(r.env.map((e) => `${e}\n`).join(''));
        return { code: 0 };
      }
      r.err(`sh: ${name}: not found\n`);
      return { code: 127 };
    },
  );
  return { out, end, times, files };
}

describe('ash syntax errors, as busybox words them', () => {
  it.each([
    ['done', 'unexpected "done"'],
    ['if true; then echo; fi fi', 'unexpected "fi"'],
    ['while true; do echo', 'unexpected end of file (expecting "done")'],
    ['for i in 1 2; echo; done', 'unexpected word (expecting "do")'],
    ['case x in', 'unexpected end of file (expecting ")")'],
    ['(echo', 'unexpected end of file (expecting ")")'],
    ['echo )', 'unexpected ")"'],
    ['{ echo; ', 'unexpected end of file (expecting "}")'],
    ['echo ${', "missing '}'"],
    ['echo ${1abc}', 'bad substitution'],
    ['echo "abc', 'unterminated quoted string'],
    ['echo $(echo', 'unexpected end of file (expecting ")")'],
    ['echo |', 'unexpected end of file'],
    ['; echo', 'unexpected ";"'],
    ['echo ;;', 'unexpected ";;"'],
    ['if then fi', 'unexpected "then"'],
    ['while true; done', 'unexpected "done" (expecting "do")'],
    ['for 1 in a; do :; done', 'bad for loop variable'],
    ['echo `echo', 'EOF in backquote substitution'],
  ])('%s', (script, message) => {
    expect(() => parseShell(script)).toThrow(new ShellSyntaxError(message));
    expect(sh(script).out).toBe(`sh: syntax error: ${message}\n`);
    expect(sh(script).end).toMatchObject({ kind: 'exit', code: 2 });
  });

  it('runs the lines before a bad one, as ash reads a script line by line', () => {
    expect(sh('echo a\ndone').out).toBe('a\nsh: syntax error: unexpected "done"\n');
    expect(sh('echo a; done').out).toBe('sh: syntax error: unexpected "done"\n');
  });
});

describe('the ash language', () => {
  it('loops, conditions, case and functions', () => {
    expect(sh('for i in 1 2 3; do echo line$i; done').out).toBe('line1\nline2\nline3\n');
    expect(sh('i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done').out).toBe('0\n1\n2\n');
    expect(sh('i=0; until [ $i -ge 2 ]; do echo $i; i=$((i+1)); done').out).toBe('0\n1\n');
    expect(sh('for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done').out).toBe('1\n3\n');
    expect(sh('for i in 1 2 3; do for j in a b; do [ $j = b ] && break 2; echo $i$j; done; done').out).toBe(
      '1a\n',
    );
    expect(sh('if false; then echo 1; elif true; then echo 2; else echo 3; fi').out).toBe('2\n');
    expect(sh('case abc in a) echo A;; a*|b) echo AB;; *) echo D;; esac').out).toBe('AB\n');
    expect(sh('f() { echo "f:$1:$#"; return 3; }; f a b; echo $?').out).toBe('f:a:2\n3\n');
    expect(sh('x=1; f() { local x=2; echo $x; }; f; echo $x').out).toBe('2\n1\n');
    expect(sh('{ echo a; echo b; } | cat').out).toBe('a\nb\n');
    expect(sh('(x=5; echo $x); echo "[$x]"').out).toBe('5\n[]\n');
    expect(sh('false || echo no && echo yes; ! false; echo $?').out).toBe('no\nyes\n0\n');
  });

  it('expansions: parameters, command substitution, arithmetic, splitting, globbing', () => {
    expect(sh('x=$(echo hi; echo there); echo "$x" ${#x} ${x%% *}').out).toBe('hi\nthere 8 hi there\n');
    expect(sh('echo `echo bq` $((2**10)) $((7%3)) $((1<<4)) $((3>2?10:20))').out).toBe('bq 1024 1 16 10\n');
    expect(sh('a=5; echo $((a+=2)) $((a++)) $a $((-a)) $((!a)) $((~a)) $((0x10)) $((010))').out).toBe(
      '7 7 8 -8 0 -9 16 8\n',
    );
    expect(sh('echo ${u:-def} ${u:=set} $u ${u:+alt} ${v-unset} ${PATH#/}').out).toBe(
      'def set set alt unset bin\n',
    );
    expect(sh('x=abc; echo ${x:1:1} ${x/b/B} ${x//?/.}').out).toBe('b aBc ...\n');
    expect(sh('x="a  b"; echo $x "$x"; set -- $x; echo $#').out).toBe('a b a  b\n2\n');
    expect(sh('IFS=:; x=a::b; for f in $x; do echo "[$f]"; done').out).toBe('[a]\n[]\n[b]\n');
    expect(sh('echo "$@" $#; for a in "$@"; do echo "<$a>"; done', { args: ['a b', 'c'] }).out).toBe(
      'a b c 2\n<a b>\n<c>\n',
    );
    expect(sh('echo $0 $1', { args: ['x'] }).out).toBe('sh x\n');
    expect(sh('echo /*; echo /nope*').out).toBe('/etc /tmp\n/nope*\n');
    expect(sh('echo ~ ~/x "~"').out).toBe('/root /root/x ~\n');
    expect(sh('echo $((1/0)); echo after').out).toBe('sh: divide by zero\n');
    expect(sh('echo $((1+)); echo after').out).toBe('sh: arithmetic syntax error\n');
    expect(sh('echo ${x:?nope}; echo after').out).toBe('sh: x: nope\n');
    expect(sh('x=$(exit 3); echo $?').out).toBe('3\n');
  });

  it("busybox's bash compatibility: [[ ]], function, $'...', getopts", () => {
    expect(sh('[[ 1 -lt 2 && 2 -lt 3 ]] && echo and; [[ -n "" ]] || echo empty; [[ x').out).toBe(
      'and\nempty\nsh: missing ]]\n',
    );
    expect(sh('function g() { echo g2; }; function h { echo $1; }; g; h arg').out).toBe('g2\narg\n');
    expect(sh("echo $'x\\ny' $'\\x41\\101'").out).toBe('x\ny AA\n');
    expect(sh('while getopts :ab: o -a -x -b; do echo "$o [$OPTARG]"; done; echo $OPTIND').out).toBe(
      'a []\n? [x]\n: [b]\n4\n',
    );
    expect(
      sh('set -- -ab -- rest; while getopts ab o; do echo $o; done; shift $((OPTIND-1)); echo "$@"').out,
    ).toBe('a\nb\nrest\n');
    expect(sh('echo $((1+)').out).toBe("sh: syntax error: missing '))'\n");
    expect(sh('n=010; echo $((n+1)) "${@}" "$@"x').out).toBe('9 x\n');
  });

  it('redirections, here-documents and read', () => {
    const r = sh('echo hi > /tmp/f; echo x >> /tmp/f; cat < /tmp/f; cat /nope.txt < /nope; echo $?');
    expect(r.out).toBe("hi\nx\nsh: can't open /nope: no such file\n1\n");
    expect(sh('echo a > /nosuch/x; echo $?').out).toBe(
      "sh: can't create /nosuch/x: nonexistent directory\n1\n",
    );
    expect(sh('echo out; echo err >&2; echo both 2>&1 >/dev/null').out).toBe('out\nerr\n');
    expect(sh('cat <<EOF\nhi $HOME\nEOF\ncat <<"EOF"\n$HOME\nEOF').out).toBe('hi /root\n$HOME\n');
    expect(sh('read a b; echo "[$a][$b]"; cat', { stdin: 'one two three\nrest\n' }).out).toBe(
      '[one][two three]\nrest\n',
    );
    expect(sh('while read l; do echo "<$l>"; done < /etc/hostname').out).toBe('<box>\n');
  });

  it('builtins: test, printf, echo, set, exit, eval, export to programs', () => {
    expect(sh('[ abc -eq 1 ]; echo $?').out).toBe('sh: abc: bad number\n2\n');
    expect(sh('[ 1 -eq 1').out).toBe('sh: missing ]\n');
    expect(sh('[ -f /etc/hostname ] && [ -d /tmp ] && [ ! -e /nope ] && echo ok').out).toBe('ok\n');
    expect(sh('printf "%5s|%-3d|%03d|%x|%c|%%\\n" ab 7 5 255 xyz').out).toBe('   ab|7  |005|ff|x|%\n');
    expect(sh('printf "%s-%d\\n" a 5 b 6').out).toBe('a-5\nb-6\n');
    expect(sh('echo -n x; echo -e "a\\tb"').out).toBe('xa\tb\n');
    expect(sh('set -e; false; echo no').end).toMatchObject({ kind: 'exit', code: 1 });
    expect(sh('exit 300').end).toMatchObject({ kind: 'exit', code: 44 });
    expect(sh('exit abc').out).toBe('sh: exit: line 0: Illegal number: abc\n');
    expect(sh('echo\nlocal x').out).toBe('\nsh: local: line 1: not in a function\n');
    expect(sh('eval "echo hi; echo \\$?"').out).toBe('hi\n0\n');
    expect(sh('A=1 env; export B=2; env').out).toBe(
      'PATH=/bin\nHOME=/root\nA=1\nPATH=/bin\nHOME=/root\nB=2\n',
    );
    expect(sh('nosuch; echo $?').out).toBe('sh: nosuch: not found\n127\n');
    expect(sh('trap "echo bye" EXIT; echo body').out).toBe('body\nbye\n');
    expect(sh('trap "echo hi" TERM; trap').out).toBe("trap -- 'echo hi' TERM\n");
    expect(sh('trap x FOO').out).toBe('sh: trap: line 0: FOO: invalid signal specification\n');
  });
});

describe('time and signals', () => {
  it('sleep moves the clock; output carries the time it was written', () => {
    const r = sh('echo a; sleep 0.2; echo b >&2; sleep 1; echo c');
    expect(r.out).toBe('a\nb\nc\n');
    expect(r.times).toEqual([0, 200, 1200]);
    expect(r.end).toEqual({ kind: 'exit', code: 0, at: 1200 });
  });

  it('stops at the horizon and stays running', () => {
    const r = sh('while true; do echo tick; sleep 1; done', { horizon: 2500 });
    expect(r.out).toBe('tick\ntick\ntick\n');
    expect(r.end).toEqual({ kind: 'horizon', at: 2500, blocked: false });
  });

  it('a trap runs after the foreground command, with its exit code', () => {
    const script = 'trap "echo got TERM; exit 7" TERM; while true; do sleep 0.2; done';
    expect(sh(script, { horizon: 5000, signals: [{ sig: 'TERM', at: 1050 }] })).toMatchObject({
      out: 'got TERM\n',
      end: { kind: 'exit', code: 7, at: 1200 },
    });
    // Without a handler PID 1 ignores it; SIGKILL ends it.
    expect(
      sh(script, {
        horizon: 20000,
        signals: [
          { sig: 'USR1', at: 1000 },
          { sig: 'KILL', at: 3000 },
        ],
      }).end,
    ).toEqual({ kind: 'killed', at: 3000 });
    // `wait` is interrupted by a trapped signal; a foreground sleep is not.
    expect(
      sh('trap "echo got" TERM; sleep 600 & wait; echo $?', { signals: [{ sig: 'TERM', at: 1000 }] }).out,
    ).toBe('got\n143\n');
    expect(
      sh('trap "exit 0" TERM; sleep 600', { horizon: 20000, signals: [{ sig: 'TERM', at: 1000 }] }).end,
    ).toEqual({ kind: 'horizon', at: 20000, blocked: false });
  });

  it('a loop that never sleeps stops at its step budget', () => {
    expect(sh('while true; do :; done').end.kind).toBe('budget');
  });
});
