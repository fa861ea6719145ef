import { describe, expect, it } from 'vitest';
import { parseLine } from '../../src/sandbox/dind/command-line.ts';
import { isHostPathVolume, refusal } from '../../src/sandbox/dind/policy.ts';
import { splitWords } from '../../src/shell/split-words.ts';

const refused = (line: string, hostAddresses: string[] = []) => refusal(splitWords(line), { hostAddresses });

describe('dind policy: flags that would escape the sandbox', () => {
  it.each([
    'docker run --privileged alpine',
    'docker run --privileged=true alpine',
    'docker container run -d --privileged alpine',
    'docker create --cap-add NET_ADMIN alpine',
    'docker run --cap-add=ALL alpine',
    'docker run --security-opt seccomp=unconfined alpine',
    'docker run --device /dev/kvm alpine',
    'docker run --pid host alpine',
    'docker run --pid=host alpine',
    'docker run --ipc host alpine',
    'docker run --uts=host alpine',
    'docker run --userns host alpine',
    'docker run -v /:/host alpine',
    'docker run -v=/etc:/etc alpine',
    'docker run -v/etc:/x alpine',
    'docker run -itv /sys/fs/cgroup:/cg alpine',
    'docker run --volume ./data:/data alpine',
    'docker run --mount type=bind,source=/,target=/host alpine',
    'docker service create --mount type=bind,src=/,dst=/h alpine',
    'docker exec --privileged web sh',
    'docker -H tcp://172.20.0.1:2375 ps',
    'docker --host=unix:///other.sock ps',
    'docker --context other ps',
    'curl --unix-socket /run/containerd/containerd.sock http://x/',
    'curl -x http://proxy:3128 http://example/',
    'curl -K /etc/passwd',
    'docker cp web:/etc/passwd /tmp/p',
    'docker container cp web:/x ./here',
    'docker volume create --driver local --opt type=none --opt device=/ --opt o=bind root',
    'docker volume create -o device=/sys/fs/cgroup cg',
    'docker plugin install vieux/sshfs',
    'docker run --cgroup-parent / alpine',
    'docker context create outer --docker host=tcp://172.20.0.1:2375',
    'docker context use outer',
    `curl --unix-socket /var/run/docker.sock -d '{"HostConfig":{"CgroupParent":"/"}}' http://localhost/containers/create`,
    `curl --unix-socket /var/run/docker.sock -X POST -H 'Content-Type: application/json' -d '{"Image":"alpine","HostConfig":{"Privileged":true}}' http://localhost/containers/create`,
    `curl --unix-socket /var/run/docker.sock -sd '{"Image":"alpine","hostconfig":{"binds":["/:/host"]}}' http://localhost/containers/create`,
    `curl --unix-socket /var/run/docker.sock --json '{"HostConfig":{"CapAdd":["SYS_ADMIN"]}}' http://localhost/containers/create`,
    `curl --unix-socket /var/run/docker.sock -d '{"HostConfig":{"Mounts":[{"Type":"bind","Source":"/","Target":"/h"}]}}' http://localhost/containers/create`,
    `curl --unix-socket /var/run/docker.sock -d '{"HostConfig":{"PidMode":"host"}}' http://localhost/containers/create`,
    `curl --unix-socket /var/run/docker.sock -d '{"Privileged":true,"Cmd":["sh"]}' http://localhost/containers/web/exec`,
    `curl --unix-socket /var/run/docker.sock -d '{"Name":"v","DriverOpts":{"device":"/","o":"bind","type":"none"}}' http://localhost/volumes/create`,
    'curl --unix-socket /var/run/docker.sock -d @/tmp/body.json http://localhost/containers/create',
    'curl --unix-socket /var/run/docker.sock -F x=@/etc/passwd http://localhost/',
  ])('refuses %s', (line) => {
    expect(refused(line)).toMatch(/^docker-tutor: .* is not allowed in the sandbox \(.+\)\.$/);
  });

  it.each([
    'docker run --rm -dit --network none --name no-net-alpine alpine:latest ash',
    'docker run --privileged=false alpine',
    'docker run -v data:/data alpine',
    'docker run -v /data alpine',
    'docker run --mount type=volume,source=data,target=/data alpine',
    'docker run --mount type=tmpfs,target=/t alpine',
    'docker run --network host alpine ip addr',
    'docker run --pid container:web alpine',
    'docker network create -d macvlan -o parent=eth0 pub_net',
    'docker service create --name web -p 8080:80 nginx',
    'curl -s --unix-socket /var/run/docker.sock http://localhost/v1.41/info -o /dev/null',
    'curl -s http://172.17.0.2/',
    'docker ps -a',
    'docker cp ./local web:/tmp/',
    'docker volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=10m tmpvol',
    'docker plugin ls',
    'docker context ls',
    `curl -s --unix-socket /var/run/docker.sock -X POST -H 'Content-Type: application/json' -d '{"Image":"alpine","HostConfig":{"NetworkMode":"my-net","Binds":["data:/data"]}}' http://localhost/v1.41/containers/create?name=web`,
    `curl -s --unix-socket /var/run/docker.sock -XPOST -d '{"Name":"my-net","Driver":"bridge"}' http://localhost/networks/create`,
  ])('lets %s run', (line) => {
    expect(refused(line)).toBeNull();
  });

  it('refuses curl to the machine behind the sandbox (its network gateway)', () => {
    expect(refused('curl http://172.20.0.1:2375/info', ['172.20.0.1'])).toMatch(/machine behind the sandbox/);
    expect(refused('curl 172.20.0.1', ['172.20.0.1'])).toMatch(/not allowed/);
    expect(refused('curl http://172.20.0.2/', ['172.20.0.1'])).toBeNull();
  });

  it('tells host paths from named volumes', () => {
    expect(isHostPathVolume('/a:/b')).toBe(true);
    expect(isHostPathVolume('~/a:/b:ro')).toBe(true);
    expect(isHostPathVolume('vol:/b')).toBe(false);
    expect(isHostPathVolume('/only-in-container')).toBe(false);
  });
});

describe('dind command lines', () => {
  it('runs only docker and curl, as argv', () => {
    expect(parseLine(`docker network create "my net"`)).toEqual({
      argv: ['docker', 'network', 'create', 'my net'],
    });
    expect(parseLine('docker network ls 2>&1')).toEqual({ argv: ['docker', 'network', 'ls'] });
    expect(parseLine('/usr/bin/docker ps')).toEqual({ argv: ['/usr/bin/docker', 'ps'] });
    expect(parseLine('sh -c id')).toEqual({ result: { output: 'sh: sh: not found\n', exitCode: 127 } });
    expect(parseLine('docker ps; id')).toMatchObject({ result: { exitCode: 2 } });
    expect(parseLine('docker network ls | wc -l')).toMatchObject({ result: { exitCode: 2 } });
    expect(parseLine('docker ps $(id)')).toMatchObject({ result: { exitCode: 2 } });
    expect(parseLine('docker run --privileged alpine')).toMatchObject({ result: { exitCode: 1 } });
  });
});
