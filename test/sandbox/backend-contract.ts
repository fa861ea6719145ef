/**
 * The backend contract: what every SandboxBackend does, whatever runs the commands. The same
 * suite runs against the simulated engine and real Docker-in-Docker; where real Docker 20.10 and
 * the simulator must agree, the expected texts are Docker's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBackend } from '../../src/sandbox/backend.ts';

export interface ContractSubject {
  backend: SandboxBackend;
  /** Called once after the suite (remove what the backend made). */
  dispose(): Promise<void>;
}

export function backendContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`SandboxBackend contract: ${name}`, () => {
    let subject: ContractSubject;
    let b: SandboxBackend;
    const k = (s: string) => `contract:${name}:${s}`;

    beforeAll(async () => {
      subject = await make();
      b = subject.backend;
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    it('starts a sandbox on the first command with the three default networks', async () => {
      const r = await b.exec(k('a'), "docker network ls --format '{{.Name}} {{.Driver}} {{.Scope}}'");
      expect(r).toMatchObject({
        exitCode: 0,
        output: 'bridge bridge local\nhost host local\nnone null local\n',
      });
      expect(await b.list()).toContain(k('a'));
    });

    it('keeps state between commands and answers with Docker 20.10 texts', async () => {
      const created = await b.exec(k('a'), 'docker network create contract-net');
      expect(created.exitCode).toBe(0);
      expect(created.output).toMatch(/^[0-9a-f]{64}\n$/);
      expect(await b.exec(k('a'), 'docker network create contract-net')).toEqual({
        output: 'Error response from daemon: network with name contract-net already exists\n',
        exitCode: 1,
      });
      const inspect = await b.exec(
        k('a'),
        'docker network inspect contract-net --format "{{.Name}} {{.Driver}} {{.Internal}} {{.Scope}}"',
      );
      expect(inspect).toEqual({ output: 'contract-net bridge false local\n', exitCode: 0 });
      expect(await b.exec(k('a'), 'docker network rm contract-net')).toEqual({
        output: 'contract-net\n',
        exitCode: 0,
      });
      expect(await b.exec(k('a'), 'docker network rm contract-net')).toEqual({
        output: 'Error: No such network: contract-net\n',
        exitCode: 1,
      });
    });

    it('parses quotes like a shell and runs argv', async () => {
      const ok = await b.exec(
        k('a'),
        `docker network create --label 'course=net 101' --subnet "10.10.0.0/24" lab\\-net`,
      );
      expect(ok.exitCode).toBe(0);
      const label = await b.exec(
        k('a'),
        `docker network inspect lab-net --format '{{index .Labels "course"}}|{{range .IPAM.Config}}{{.Subnet}}{{end}}'`,
      );
      expect(label).toEqual({ output: 'net 101|10.10.0.0/24\n', exitCode: 0 });
    });

    it('answers bad input like a shell, without running anything', async () => {
      expect(await b.exec(k('a'), 'frobnicate -l')).toEqual({
        output: 'sh: frobnicate: not found\n',
        exitCode: 127,
      });
      // Pipes differ by design: the sim host runs them over simulated programs
      // (test/shell), the dind backend refuses them (test/sandbox/policy.test.ts).
      expect(await b.exec(k('a'), "docker network ls 'oops")).toEqual({
        output: 'sh: syntax error: unterminated quoted string\n',
        exitCode: 2,
      });
      expect(await b.exec(k('a'), '   ')).toEqual({ output: '', exitCode: 0 });
    });

    it('keeps sandboxes apart', async () => {
      await b.exec(k('a'), 'docker network create only-in-a');
      const other = await b.exec(k('b'), "docker network ls --format '{{.Name}}'");
      expect(other).toEqual({ output: 'bridge\nhost\nnone\n', exitCode: 0 });
      expect(await b.list()).toEqual(expect.arrayContaining([k('a'), k('b')]));
    });

    it("runs one sandbox's commands in the order sent", async () => {
      const lines = ['n1', 'n2', 'n3', 'n4'].map((n) => `docker network create order-${n}`);
      const results = await Promise.all(lines.map((l) => b.exec(k('b'), l)));
      expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0]);
      const ls = await b.exec(k('b'), "docker network ls --filter name=order- --format '{{.Name}}'");
      expect(ls.output).toBe('order-n1\norder-n2\norder-n3\norder-n4\n');
    });

    it('reset throws a sandbox away; the next command starts fresh', async () => {
      await b.reset(k('a'));
      expect(await b.list()).not.toContain(k('a'));
      const r = await b.exec(k('a'), "docker network ls --format '{{.Name}}'");
      expect(r.output).toBe('bridge\nhost\nnone\n');
      await b.reset(k('a'));
      await b.reset(k('never-used'));
    });

    it('serves the Engine API on the sandbox socket', async () => {
      const r = await b.exec(
        k('b'),
        'curl -s --unix-socket /var/run/docker.sock http://localhost/v1.99/info',
      );
      expect(r).toEqual({
        output: '{"message":"client version 1.99 is too new. Maximum supported API version is 1.41"}\n',
        exitCode: 0,
      });
    });
  });
}
