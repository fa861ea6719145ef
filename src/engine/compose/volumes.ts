/**
 * Named volumes compose creates. The engine has no volume records yet, so a volume is kept as the
 * file the daemon itself keeps for it on the sandbox host (`/var/lib/docker/volumes/NAME/opts.json`),
 * which survives with the sandbox's state and goes with `down -v`.
 */
import type { Engine } from '../engine.ts';

const path = (name: string) => `/var/lib/docker/volumes/${name}/opts.json`;

export function volumeExists(engine: Engine, name: string): boolean {
  return engine.state.files[path(name)] !== undefined;
}

export function createVolume(engine: Engine, name: string, labels: Record<string, string>): void {
  engine.state.files[path(name)] = JSON.stringify({ Driver: 'local', Labels: labels });
}

/** Removes the volume; false when it did not exist. */
export function removeVolume(engine: Engine, name: string): boolean {
  if (!volumeExists(engine, name)) return false;
  delete engine.state.files[path(name)];
  return true;
}
