/** Every route the API serves, area by area. */
import type { Route } from '../route.ts';
import { withCliRoundTrips } from '../swarm-clock.ts';
import { archiveRoutes } from './archive.ts';
import { containerInspectionRoutes } from './container-inspection.ts';
import { containerUpdateRoutes } from './container-update.ts';
import { containerRoutes } from './containers.ts';
import { distributionRoutes } from './distribution.ts';
import { eventRoutes } from './events.ts';
import { execRoutes } from './exec.ts';
import { imageTransferRoutes } from './image-transfer.ts';
import { imageRoutes } from './images.ts';
import { networkRoutes } from './networks.ts';
import { swarmRoutes } from './swarm.ts';
import { systemRoutes } from './system.ts';
import { volumeRoutes } from './volumes.ts';

export function allRoutes(): Route[] {
  return withCliRoundTrips([
    ...systemRoutes,
    ...eventRoutes,
    ...networkRoutes,
    ...containerRoutes,
    ...containerUpdateRoutes,
    ...containerInspectionRoutes,
    ...archiveRoutes,
    ...execRoutes,
    ...imageRoutes,
    ...imageTransferRoutes,
    ...swarmRoutes,
    ...volumeRoutes,
    ...distributionRoutes,
  ]);
}
