/** `POST /containers/{name}/update`: a container's restart policy and resources (`postContainerUpdate`). */
import { containerUpdate, type UpdateConfig } from '../../ops/container-update.ts';
import { ApiError } from '../errors.ts';
import { T } from '../go-decode.ts';
import { jsonResponse } from '../respond.ts';
import { post, type Route, readJson } from '../route.ts';
import { compareVersions } from '../versions.ts';

/** `container.UpdateConfig`: `Resources` (inlined) and `RestartPolicy`. */
const UPDATE_CONFIG = T.struct('UpdateConfig', {
  CpuShares: T.int64,
  Memory: T.int64,
  NanoCpus: T.int64,
  CgroupParent: T.string,
  BlkioWeight: T.uint16,
  CpuPeriod: T.int64,
  CpuQuota: T.int64,
  CpuRealtimePeriod: T.int64,
  CpuRealtimeRuntime: T.int64,
  CpusetCpus: T.string,
  CpusetMems: T.string,
  DeviceCgroupRules: T.slice(T.string),
  KernelMemory: T.int64,
  KernelMemoryTCP: T.int64,
  MemoryReservation: T.int64,
  MemorySwap: T.int64,
  MemorySwappiness: T.ptr(T.int64),
  OomKillDisable: T.ptr(T.bool),
  PidsLimit: T.ptr(T.int64),
  CpuCount: T.int64,
  CpuPercent: T.int64,
  IOMaximumIOps: T.int64,
  IOMaximumBandwidth: T.int64,
  RestartPolicy: T.struct('RestartPolicy', { Name: T.string, MaximumRetryCount: T.int }, 'container'),
});

export const containerUpdateRoutes: Route[] = [
  post('/containers/{name:.*}/update', ({ engine, req, params, version }) => {
    // The decoder's errors come back as they are (500), `EOF` for no body at all.
    const body =
      readJson<UpdateConfig | null>(
        req,
        UPDATE_CONFIG,
        () => {
          throw new ApiError(500, 'EOF');
        },
        500,
      ) ?? {};
    const update: UpdateConfig = { ...body };
    if (compareVersions(version, '1.40') < 0) delete update.PidsLimit;
    // Both 0 and -1 (any negative) mean unlimited when updating.
    if (update.PidsLimit !== undefined && update.PidsLimit !== null && update.PidsLimit <= 0) {
      update.PidsLimit = 0;
    }
    return jsonResponse(200, { Warnings: containerUpdate(engine, params.name!, update) });
  }),
];
