/**
 * The warnings `POST /containers/create` answers with beside the new container's ID
 * (`verifyPlatformContainerSettings`); the CLI prints each as `WARNING: ...` after the create.
 */
import type { ContainerCreateRequest } from './containers.ts';

export function createWarnings(req: ContainerCreateRequest): string[] {
  const hc = req.HostConfig ?? {};
  const warnings: string[] = [];
  if (hc.NetworkMode === 'host' && Object.keys(hc.PortBindings ?? {}).length > 0) {
    warnings.push('Published ports are discarded when using host network mode');
  }
  return warnings;
}
