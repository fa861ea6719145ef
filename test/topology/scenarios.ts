/**
 * Sandboxes the topology tests share: each built the way a student would build it (docker
 * network commands), with containers added through the engine's endpoint ops.
 */
import type { Engine } from '../../src/engine/index.ts';
import { addContainer, freshEngine, sh } from './sandbox.ts';

/** A user-defined network with a published web server, a database also on an internal network, the default bridge, none and host. */
export async function classroom(): Promise<Engine> {
  const e = freshEngine();
  await sh(e, 'docker network create app', 'docker network create --internal backend');
  addContainer(e, {
    name: 'web',
    image: 'nginx',
    networks: ['app'],
    aliases: { app: ['www'] },
    ports: ['8080:80'],
  });
  addContainer(e, { name: 'db', image: 'redis', networks: ['app', 'backend'] });
  addContainer(e, { name: 'vault', image: 'alpine', networks: ['backend'] });
  addContainer(e, { name: 'old1', image: 'alpine', networks: ['bridge'] });
  addContainer(e, { name: 'old2', image: 'alpine', networks: ['bridge'], links: ['old1:legacy'] });
  addContainer(e, { name: 'lonely', image: 'alpine', networks: ['none'] });
  addContainer(e, { name: 'mon', image: 'nginx', networks: ['host'] });
  addContainer(e, { name: 'stopped', image: 'alpine', networks: ['app'], status: 'exited' });
  return e;
}

/** The bench's size: 10 user networks, 30 containers, some on two networks, some publishing ports. */
export async function large(networks = 10, containers = 30): Promise<Engine> {
  const e = freshEngine(7);
  for (let i = 0; i < networks; i++) await sh(e, `docker network create net${String(i).padStart(2, '0')}`);
  for (let i = 0; i < containers; i++) {
    const first = `net${String(i % networks).padStart(2, '0')}`;
    const second = `net${String((i + 3) % networks).padStart(2, '0')}`;
    addContainer(e, {
      name: `svc${String(i).padStart(2, '0')}`,
      image: i % 3 === 0 ? 'nginx' : 'alpine',
      networks: i % 4 === 0 ? [first, second] : [first],
      ...(i % 5 === 0 ? { ports: [`${8000 + i}:80`] } : {}),
    });
  }
  return e;
}
