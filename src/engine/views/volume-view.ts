/** `types.Volume`: `GET /volumes`, `/volumes/{name}`, `POST /volumes/create`, `docker volume inspect`. */
import { f, type GoValue, goPtr, goStringMap, goStruct } from '../go/values.ts';
import { mountpointOf, type VolumeRecord } from '../ops/volumes.ts';

/** The volume; with `usage`, the `UsageData` `/system/df` adds (omitted elsewhere). */
export function volumeView(v: VolumeRecord, usage?: { size: number; refCount: number }): GoValue {
  return goStruct('types.Volume', [
    f('CreatedAt', v.createdAt, { omitempty: true }),
    f('Driver', v.driver),
    f('Labels', goStringMap(v.labels)),
    f('Mountpoint', mountpointOf(v.name)),
    f('Name', v.name),
    f('Options', goStringMap(v.options)),
    f('Scope', 'local'),
    ...(usage
      ? [
          f(
            'UsageData',
            goPtr(goStruct('types.VolumeUsageData', [f('RefCount', usage.refCount), f('Size', usage.size)])),
          ),
        ]
      : []),
  ]);
}
