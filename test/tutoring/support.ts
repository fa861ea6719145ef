/**
 * A tutor on a fresh simulated sandbox, driven the way a student drives it: chat text in,
 * replies out. Containers are made with `docker run` once the CLI has it, and until then through
 * the engine's container operations (the calls `docker run` makes).
 */
import { Tutor } from '../../src/core/tutor.ts';
import type { ReplyBlock, TutorReply } from '../../src/core/types.ts';
import { replyToPlainText } from '../../src/core/types.ts';
import { allRoutes } from '../../src/engine/api/routes/index.ts';
import { findChild } from '../../src/engine/cli/command.ts';
import { rootCommand } from '../../src/engine/cli/docker.ts';
import { containerCreate, containerStart } from '../../src/engine/ops/containers.ts';
import { sandboxKey } from '../../src/sandbox/backend.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';

export const FIXED_CLOCK = { now: () => Date.UTC(2026, 10, 28, 2, 0, 0) };

export class Harness {
  readonly backend = new SimBackend({ clock: FIXED_CLOCK, seedFor: () => 42 });
  readonly tutor = new Tutor({ backend: this.backend });
  readonly key = sandboxKey('console', 'local', 'student');
  private seq = 0;

  async say(text: string): Promise<TutorReply> {
    return this.tutor.handle({
      id: `t-${++this.seq}`,
      identity: { platform: 'console', workspace: 'local', userId: 'student', roles: ['student'] },
      channel: 'test',
      text,
      receivedAt: 0,
    });
  }

  /** A host line (`curl ...`, `docker ...`) run in the sandbox without the tutor around it. */
  async host(line: string) {
    return this.backend.exec(this.key, line);
  }

  /** Runs docker lines that must succeed (scenario setup). */
  async must(...lines: string[]): Promise<void> {
    for (const line of lines) {
      const r = await this.host(line);
      if (r.exitCode !== 0) throw new Error(`${line} failed (${r.exitCode}): ${r.output}`);
    }
  }

  /** A running alpine container, by `docker run -d` when the CLI has it, else the same engine calls. */
  async container(name: string, network = 'bridge', ports: Record<string, string> = {}): Promise<string> {
    if (hasDockerCommand('run')) {
      const p = Object.entries(ports)
        .map(([c, h]) => ` -p ${h}:${c.replace('/tcp', '')}`)
        .join('');
      const r = await this.host(`docker run -d --name ${name} --network ${network}${p} alpine sleep 3600`);
      return r.output;
    }
    return this.backend.withEngine(this.key, (engine) => {
      const PortBindings = Object.fromEntries(Object.entries(ports).map(([c, h]) => [c, [{ HostPort: h }]]));
      containerCreate(engine, {
        name,
        Image: 'alpine',
        Cmd: ['sleep', '3600'],
        HostConfig: { NetworkMode: network, PortBindings },
      });
      try {
        containerStart(engine, name);
        return '';
      } catch (e) {
        return `docker: Error response from daemon: ${(e as Error).message}.`;
      }
    });
  }

  async close(): Promise<void> {
    await this.backend.close();
  }
}

export function hasDockerCommand(name: string): boolean {
  return findChild(rootCommand(), name) !== undefined;
}

/** Whether the Engine API serves `METHOD /path` (any version prefix stripped). */
export function hasApiRoute(method: string, path: string): boolean {
  const bare = path.replace(/^\/v[0-9.]+\//, '/').split('?')[0] ?? '';
  return allRoutes().some((r) => {
    if (r.method !== method) return false;
    const re = r.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        if (!part.startsWith('{')) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        const colon = part.indexOf(':');
        return colon < 0 ? '[^/]+' : `(?:${part.slice(colon + 1, -1)})`;
      })
      .join('');
    return new RegExp(`^${re}$`).test(bare);
  });
}

export const plain = (r: TutorReply) => replyToPlainText(r);

export function blocksOf<K extends ReplyBlock['kind']>(
  r: TutorReply,
  kind: K,
): Array<Extract<ReplyBlock, { kind: K }>> {
  return r.blocks.filter((b): b is Extract<ReplyBlock, { kind: K }> => b.kind === kind);
}
