/** `types.Container`, as `GET /containers/json` lists each container. */
import { listCommand, statusText } from '../cli/commands/ps.ts';
import type { Engine } from '../engine.ts';
import { marshal } from '../go/json.ts';
import type { ContainerRecord } from '../model/state.ts';
import { containerMounts } from '../ops/container-mounts.ts';
import { isRunning } from '../ops/containers.ts';
import { networksView } from './container-view.ts';

export function containerSummary(engine: Engine, c: ContainerRecord): Record<string, unknown> {
  // A stopped container lists no ports, as `docker ps -a` shows none for it.
  const ports: Array<Record<string, unknown>> = [];
  if (isRunning(c)) {
    for (const [key, bound] of Object.entries(c.boundPorts)) {
      const [port, type] = key.split('/') as [string, string];
      if (bound.length === 0) ports.push({ PrivatePort: Number(port), Type: type });
      for (const b of bound) {
        ports.push({
          IP: b.hostIp || '0.0.0.0',
          PrivatePort: Number(port),
          PublicPort: Number(b.hostPort),
          Type: type,
        });
      }
    }
  }
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.imageRef,
    ImageID: c.imageId,
    Command: listCommand(c),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: ports,
    Labels: c.labels,
    State: c.status,
    Status: statusText(engine, c),
    HostConfig: { NetworkMode: c.hostConfig.networkMode },
    NetworkSettings: { Networks: JSON.parse(marshal(networksView(engine, c))) },
    Mounts: containerMounts(c),
  };
}
