/**
 * `docker-tutor engine-api --listen unix:///PATH|tcp://127.0.0.1:PORT [--seed N] [--recorded-host]`:
 * serves one fresh simulated engine as Docker Engine API v1.41 until stopped (SIGINT or SIGTERM).
 */
import '../index.ts';
import { Engine } from '../engine.ts';
import { parseListenAddress, startEngineApiServer } from './server.ts';

const USAGE = `Usage: docker-tutor engine-api --listen unix:///PATH|tcp://127.0.0.1:PORT [--seed N] [--recorded-host]

Serves a fresh simulated Docker engine as Engine API v1.41 (loopback or a unix socket only).
Point a client at it with DOCKER_HOST=<the --listen value>.
--recorded-host models the host the course's transcripts were recorded on (as \`transcript\` does).
`;

export async function run(argv: string[]): Promise<number> {
  let listen: string | undefined;
  let seed: number | undefined;
  let recordedHost = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const eq = a.indexOf('=');
      return eq > 0 ? a.slice(eq + 1) : argv[++i];
    };
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else if (a === '--listen' || a.startsWith('--listen=')) listen = value();
    else if (a === '--seed' || a.startsWith('--seed=')) {
      const s = value();
      if (s === undefined || !/^\d+$/.test(s)) {
        process.stderr.write(`docker-tutor engine-api: --seed needs a non-negative integer\n`);
        return 2;
      }
      seed = Number(s);
    } else if (a === '--recorded-host') recordedHost = true;
    else {
      process.stderr.write(`docker-tutor engine-api: unknown argument '${a}'\n\n${USAGE}`);
      return 2;
    }
  }
  if (!listen) {
    process.stderr.write(`docker-tutor engine-api: --listen is required\n\n${USAGE}`);
    return 2;
  }
  let address: ReturnType<typeof parseListenAddress>;
  try {
    address = parseListenAddress(listen);
  } catch (e) {
    process.stderr.write(`docker-tutor engine-api: ${(e as Error).message}\n`);
    return 2;
  }
  const engine = new Engine({
    ...(seed === undefined ? {} : { seed }),
    ...(recordedHost ? { recordedHost } : {}),
  });
  const server = await startEngineApiServer(engine, address);
  process.stderr.write(`docker-tutor engine-api: Engine API v1.41 listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  if (address.kind === 'unix') {
    const { rmSync } = await import('node:fs');
    rmSync(address.path, { force: true });
  }
  return 0;
}
