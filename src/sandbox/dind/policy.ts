/**
 * What a student may run in a dind sandbox. The sandbox runs argv (never a shell), and only the
 * programs of the sandbox host; flags that would let a container escape the sandbox (reach the
 * machine the sandbox runs on) are refused before anything runs.
 */

/** Programs a student runs on the sandbox host. */
export const SANDBOX_PROGRAMS = new Set(['docker', 'curl']);

/** Subcommands whose flags create or change a container's (or service's) privileges. */
const CREATING = new Set([
  'run',
  'create',
  'exec',
  'container run',
  'container create',
  'container exec',
  'service create',
  'service update',
]);

const NAMESPACE_FLAGS = new Set(['--pid', '--ipc', '--uts', '--userns', '--cgroupns']);

/** A refusal: the message the student sees (exit 1), or null when the command may run. */
export function refusal(argv: string[], opts: { hostAddresses?: string[] } = {}): string | null {
  const prog = (argv[0] ?? '').replace(/^\/usr\/(local\/)?bin\//, '');
  if (prog === 'docker') return dockerRefusal(argv.slice(1));
  if (prog === 'curl') return curlRefusal(argv.slice(1), opts.hostAddresses ?? []);
  return null;
}

const refuse = (what: string, why: string) => `docker-tutor: ${what} is not allowed in the sandbox (${why}).`;

function dockerRefusal(args: string[]): string | null {
  // Global flags first: another daemon (-H, --context) would be outside the sandbox.
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) break;
    const [name] = splitFlag(a);
    if (name === '-H' || name === '--host' || name === '-c' || name === '--context') {
      return refuse(`${name}`, 'the sandbox talks only to its own Docker daemon');
    }
    if (
      ['--config', '--log-level', '-l', '--tlscacert', '--tlscert', '--tlskey'].includes(name) &&
      !a.includes('=')
    )
      i++;
  }
  const words = args.slice(i).filter((w) => !w.startsWith('-'));
  const sub =
    words[0] === 'container' || words[0] === 'service' ? `${words[0]} ${words[1] ?? ''}` : (words[0] ?? '');
  if (!CREATING.has(sub)) return null;
  const rest = args.slice(i);
  for (let j = 0; j < rest.length; j++) {
    const a = rest[j]!;
    if (!a.startsWith('-') || a === '-') continue;
    if (a === '--') break;
    const [name, inline] = splitFlag(a);
    const value = () => inline ?? rest[j + 1] ?? '';
    if (name === '--privileged') {
      if (inline === undefined || /^(1|t|true)$/i.test(inline)) {
        return refuse('--privileged', 'a privileged container would control the sandbox itself');
      }
      continue;
    }
    if (name === '--cap-add') return refuse('--cap-add', 'added capabilities reach past the sandbox');
    if (name === '--security-opt')
      return refuse('--security-opt', 'security profiles stay as the sandbox sets them');
    if (name === '--device' || name === '--device-cgroup-rule' || name === '--gpus') {
      return refuse(name, 'devices belong to the machine, not the sandbox');
    }
    if (NAMESPACE_FLAGS.has(name) && value() === 'host') {
      return refuse(`${name} host`, "the host's namespaces are outside the sandbox");
    }
    if (name === '--mount' && /(^|,)type=bind(,|$)/.test(value())) {
      return refuse(
        'a bind mount (--mount type=bind)',
        'host paths are outside the sandbox; use a named volume',
      );
    }
    if (name === '--volume' || name === '-v' || isShortCluster(a, 'v')) {
      const spec = name === '-v' && a.length > 2 && !a.startsWith('-v=') ? a.slice(2) : value();
      if (isHostPathVolume(spec)) {
        return refuse(
          `a host path in -v (${spec.split(':')[0]})`,
          'host paths are outside the sandbox; use a named volume',
        );
      }
    }
  }
  return null;
}

/** `-itv` style clusters of short flags whose last letter takes the next word. */
function isShortCluster(a: string, letter: string): boolean {
  return /^-[a-zA-Z]{2,}$/.test(a) && a.endsWith(letter);
}

function splitFlag(a: string): [string, string | undefined] {
  if (a.startsWith('--')) {
    const eq = a.indexOf('=');
    return eq < 0 ? [a, undefined] : [a.slice(0, eq), a.slice(eq + 1)];
  }
  if (a.startsWith('-v=')) return ['-v', a.slice(3)];
  return [a.length > 2 && a[1] === 'v' ? '-v' : a, undefined];
}

/** `-v SRC:DST[:OPTS]` names a host path when SRC looks like a path; `-v NAME:DST` and `-v /DST` do not. */
export function isHostPathVolume(spec: string): boolean {
  const parts = spec.split(':');
  if (parts.length < 2) return false;
  const src = parts[0]!;
  return src.startsWith('/') || src.startsWith('.') || src.startsWith('~') || src.includes('/');
}

/** curl may talk to the sandbox's own daemon and containers, never to the machine behind the sandbox. */
function curlRefusal(args: string[], hostAddresses: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [name, inline] = splitFlag(a);
    if (name === '--unix-socket' || name === '--abstract-unix-socket') {
      const path = inline ?? args[i + 1] ?? '';
      if (path !== '/var/run/docker.sock' && path !== '/run/docker.sock') {
        return refuse(
          `--unix-socket ${path}`,
          'only the sandbox daemon socket /var/run/docker.sock is reachable',
        );
      }
    }
    if (
      [
        '-x',
        '--proxy',
        '--preproxy',
        '--socks4',
        '--socks5',
        '--socks5-hostname',
        '--connect-to',
        '--resolve',
      ].includes(name)
    ) {
      return refuse(name, 'curl talks to the sandbox directly');
    }
    if (name === '-K' || name === '--config')
      return refuse(name, 'curl takes its options from the command line here');
  }
  for (const a of args) {
    const m = /^(?:[a-z]+:\/\/)?\[?([^/\]:]+)/i.exec(a);
    if (!a.startsWith('-') && m && hostAddresses.includes(m[1]!)) {
      return refuse(`curl to ${m[1]}`, 'that address is the machine behind the sandbox');
    }
  }
  return null;
}
