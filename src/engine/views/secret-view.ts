/**
 * Swarm secrets and configs as the Engine API returns them (`swarm.Secret`, `swarm.Config`): a
 * secret's data is never returned; a config's is (Go's []byte, base64 in JSON).
 */
import { f, type GoValue, goMap, goPtr, goSlice, goStringMap, goStruct, goTime } from '../go/values.ts';
import type { SwarmObjectRecord } from '../model/state.ts';
import type { SwarmObjectKind } from '../ops/secrets.ts';

/** Go's `[]byte` as templates see it (`[112 111 ...]`; `printf "%s"` gives the text back). */
function goBytes(base64: string | null): GoValue {
  if (base64 === null) return { ...goSlice([], true), elemType: 'uint8' };
  return { ...goSlice([...Buffer.from(base64, 'base64')]), elemType: 'uint8' };
}

/**
 * `opts.json`: for JSON, where Go writes a []byte as base64 text (the encoder here has no []byte,
 * so the text stands in for it); templates get the bytes.
 */
export function swarmObjectView(
  kind: SwarmObjectKind,
  o: SwarmObjectRecord,
  opts: { json?: boolean } = {},
): GoValue {
  const driver = (name: string) =>
    goPtr(
      goStruct('swarm.Driver', [
        f('Name', name, { omitempty: true }),
        f('Options', goMap(null, ''), { omitempty: true }),
      ]),
    );
  const spec = [
    f(
      'Annotations',
      goStruct('swarm.Annotations', [
        f('Name', o.name, { omitempty: true }),
        f('Labels', goStringMap(o.labels)),
      ]),
      { embedded: true },
    ),
    f('Data', kind === 'secret' ? goBytes(null) : opts.json ? o.data : goBytes(o.data), { omitempty: true }),
    ...(kind === 'secret' ? [f('Driver', goPtr(null), { omitempty: true })] : []),
    f('Templating', o.templating ? driver(o.templating) : goPtr(null), { omitempty: true }),
  ];
  return goStruct(kind === 'secret' ? 'swarm.Secret' : 'swarm.Config', [
    f('ID', o.id),
    f(
      'Meta',
      goStruct('swarm.Meta', [
        f('Version', goStruct('swarm.Version', [f('Index', o.version, { omitempty: true })]), {
          omitempty: true,
        }),
        f('CreatedAt', goTime(o.created), { omitempty: true }),
        f('UpdatedAt', goTime(o.updated), { omitempty: true }),
      ]),
      { embedded: true },
    ),
    f('Spec', goStruct(kind === 'secret' ? 'swarm.SecretSpec' : 'swarm.ConfigSpec', spec)),
  ]);
}
