/** `sortorder.NaturalLess` (fvbommel/sortorder), which the docker CLI sorts names with: digits compare as numbers. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a[i]!;
    const cb = b[j]!;
    const da = isDigit(ca);
    const db = isDigit(cb);
    if (da !== db) return ca < cb;
    if (!da) {
      if (ca !== cb) return ca < cb;
      i++;
      j++;
      continue;
    }
    // Both digit runs: skip leading zeros, compare by length, then lexically, then by zeros.
    let zi = i;
    while (zi < a.length && a[zi] === '0') zi++;
    let zj = j;
    while (zj < b.length && b[zj] === '0') zj++;
    let ei = zi;
    while (ei < a.length && isDigit(a[ei]!)) ei++;
    let ej = zj;
    while (ej < b.length && isDigit(b[ej]!)) ej++;
    const na = a.slice(zi, ei);
    const nb = b.slice(zj, ej);
    if (na.length !== nb.length) return na.length < nb.length;
    if (na !== nb) return na < nb;
    if (zi - i !== zj - j) return zi - i < zj - j;
    i = ei;
    j = ej;
  }
  return a.length - i < b.length - j;
}

export function naturalCompare(a: string, b: string): number {
  if (naturalLess(a, b)) return -1;
  if (naturalLess(b, a)) return 1;
  return 0;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
