/** A lab's checks, judged against a sandbox's facts (and the student's typed answer, for `answer` checks). */
import type { CheckSpec, Lab } from '../content/schemas.ts';
import type { SandboxFacts } from './facts.ts';

export interface CheckResult {
  ok: boolean;
  expect: string;
  /** Why it failed, in terms of what was found. */
  detail?: string;
}

const fail = (detail: string) => ({ ok: false, detail });
const pass = { ok: true };

function decodeBase64Json(value: string): Record<string, unknown> | null {
  try {
    const b64 = value.trim().replace(/-/g, '+').replace(/_/g, '/');
    const parsed = JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function judge(c: CheckSpec, f: SandboxFacts, answer: string | undefined): { ok: boolean; detail?: string } {
  switch (c.kind) {
    case 'network': {
      const n = f.networks.find((x) => x.name === c.name);
      if (!n) return fail(`there is no network named ${c.name}`);
      if (c.driver && n.driver !== c.driver)
        return fail(`${c.name} uses the ${n.driver} driver, not ${c.driver}`);
      if (c.scope && n.scope !== c.scope) return fail(`${c.name} has scope ${n.scope}, not ${c.scope}`);
      if (c.attachable !== undefined && n.attachable !== c.attachable)
        return fail(`${c.name} is ${n.attachable ? '' : 'not '}attachable`);
      if (c.internal !== undefined && n.internal !== c.internal)
        return fail(`${c.name} is ${n.internal ? '' : 'not '}internal`);
      if (c.subnet && !n.subnets.some((s) => s.subnet === c.subnet))
        return fail(
          `${c.name} has subnet ${n.subnets.map((s) => s.subnet).join(', ') || '(none)'}, not ${c.subnet}`,
        );
      if (c.gateway && !n.subnets.some((s) => s.gateway === c.gateway))
        return fail(`${c.name}'s gateway is not ${c.gateway}`);
      if (c.ipRange && !n.subnets.some((s) => s.ipRange === c.ipRange))
        return fail(`${c.name} has no --ip-range ${c.ipRange}`);
      for (const [k, v] of Object.entries(c.options ?? {}))
        if (n.options[k] !== v)
          return fail(`${c.name} has option ${k}=${n.options[k] ?? '(unset)'}, not ${v}`);
      for (const [k, v] of Object.entries(c.labels ?? {}))
        if (n.labels[k] !== v) return fail(`${c.name} has label ${k}=${n.labels[k] ?? '(unset)'}, not ${v}`);
      return pass;
    }
    case 'container': {
      const ct = f.containers.find((x) => x.name === c.name);
      if (!ct) return fail(`there is no container named ${c.name}`);
      if (c.running !== undefined && ct.running !== c.running)
        return fail(`${c.name} is ${ct.running ? 'running' : 'not running'}`);
      if (c.networkMode && ct.networkMode !== c.networkMode)
        return fail(`${c.name} runs with --network ${ct.networkMode}, not ${c.networkMode}`);
      for (const n of c.networks ?? [])
        if (!(n in ct.networks)) return fail(`${c.name} is not connected to ${n}`);
      for (const n of c.notNetworks ?? [])
        if (n in ct.networks) return fail(`${c.name} is still connected to ${n}`);
      for (const p of c.ports ?? [])
        if (!ct.ports.includes(p))
          return fail(`${c.name} does not publish ${p} (it publishes ${ct.ports.join(', ') || 'nothing'})`);
      for (const [net, ip] of Object.entries(c.ipv4 ?? {}))
        if (ct.networks[net] !== ip)
          return fail(`${c.name} has ${ct.networks[net] || 'no address'} on ${net}, not ${ip}`);
      return pass;
    }
    case 'absent':
      if (c.network && f.networks.some((n) => n.name === c.network))
        return fail(`network ${c.network} still exists`);
      if (c.container && f.containers.some((x) => x.name === c.container))
        return fail(`container ${c.container} still exists`);
      return pass;
    case 'swarm':
      return f.swarmActive === c.active
        ? pass
        : fail(c.active ? 'this sandbox is not in a swarm' : 'this sandbox is still in a swarm');
    case 'login':
      return f.logins.includes(c.server) ? pass : fail(`no docker login to ${c.server} yet`);
    case 'answer': {
      if (answer === undefined || answer.trim() === '') return fail('type your answer after /lab check');
      if (c.equals !== undefined)
        return answer.trim() === c.equals ? pass : fail('that answer is not the one expected');
      const obj = decodeBase64Json(answer);
      if (!obj) return fail('that is not base64url-encoded JSON');
      for (const [k, v] of Object.entries(c.base64Json ?? {}))
        if (obj[k] !== v)
          return fail(
            `the decoded JSON has ${k}=${JSON.stringify(obj[k] ?? null)}, expected ${JSON.stringify(v)}`,
          );
      return pass;
    }
  }
}

export function runChecks(lab: Lab, facts: SandboxFacts, answer?: string): CheckResult[] {
  return lab.checks.map((c) => ({ expect: c.expect, ...judge(c.check, facts, answer) }));
}
