/** Finding objects by ID, name or unique ID prefix, with Docker's errors. */

import type { Engine } from '../engine.ts';
import { badRequest, notFound } from '../errors.ts';
import type { ContainerRecord, NetworkRecord } from '../model/state.ts';

/** The daemon's `FindNetwork`: full ID, then exact name, then unique ID prefix. */
export function findNetwork(engine: Engine, term: string): NetworkRecord {
  const byName: NetworkRecord[] = [];
  const byPrefix: NetworkRecord[] = [];
  for (const nw of engine.state.networks) {
    if (nw.id === term) return nw;
    if (nw.name === term) byName.push(nw);
    if (term !== '' && nw.id.startsWith(term)) byPrefix.push(nw);
  }
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1)
    throw badRequest(`network ${term} is ambiguous (${byName.length} matches found based on name)`);
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) {
    throw badRequest(`network ${term} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  }
  throw notFound(`network ${term} not found`);
}

export function tryFindNetwork(engine: Engine, term: string): NetworkRecord | null {
  try {
    return findNetwork(engine, term);
  } catch {
    return null;
  }
}

/** The daemon's container lookup: full ID, exact name, then unique ID prefix. */
export function findContainer(engine: Engine, term: string): ContainerRecord {
  // `daemon.GetContainer` refuses an empty reference before looking (`DELETE /containers/`).
  if (term === '') throw badRequest('invalid name or ID supplied: ""');
  const name = term.startsWith('/') ? term.slice(1) : term;
  const all = engine.state.containers;
  const exact = all.find((c) => c.id === term) ?? all.find((c) => c.name === name);
  if (exact) return exact;
  if (term !== '') {
    const byPrefix = all.filter((c) => c.id.startsWith(term));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) {
      throw badRequest(`Multiple IDs found with provided prefix: ${term}`);
    }
  }
  throw notFound(`No such container: ${term}`);
}
