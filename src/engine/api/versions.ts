/** API version strings compared as the daemon's `versions.compare` does: dot-separated integers. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = i < pa.length ? Number.parseInt(pa[i]!, 10) || 0 : 0;
    const y = i < pb.length ? Number.parseInt(pb[i]!, 10) || 0 : 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
