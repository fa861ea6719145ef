/**
 * `docker-tutor transcript [--backend sim|dind] < scenario.txt`: runs every command of a scenario
 * in one fresh sandbox and prints the oracle's transcript format.
 */
import { readFileSync } from 'node:fs';
import type { SandboxBackend } from '../sandbox/backend.ts';
import { SimBackend } from '../sandbox/sim/sim-backend.ts';

/** Scenario lines worth running: blank lines and `#` comments are skipped, as the oracle does. */
export function scenarioCommands(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

/** Runs a scenario and returns its transcript. */
export async function transcript(backend: SandboxBackend, key: string, scenario: string): Promise<string> {
  let out = '';
  for (const line of scenarioCommands(scenario)) {
    const result = await backend.exec(key, line, { asRecorded: true });
    let body = result.output;
    if (body && !body.endsWith('\n')) body += '\n';
    out += `$ ${line}\n${body}[exit ${result.exitCode}]\n`;
  }
  return out;
}

export async function runTranscriptCommand(argv: string[]): Promise<number> {
  let backendName = 'sim';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--backend') backendName = argv[++i] ?? '';
    else if (a.startsWith('--backend=')) backendName = a.slice('--backend='.length);
    else if (a === '-h' || a === '--help') {
      process.stdout.write('Usage: docker-tutor transcript [--backend sim|dind] < scenario.txt\n');
      return 0;
    } else files.push(a);
  }
  let backend: SandboxBackend;
  // The transcript reproduces the recording machines, down to their kernel's missing VLAN support.
  if (backendName === 'sim') backend = new SimBackend({ recordedHost: true });
  else if (backendName === 'dind') {
    // Loaded only when asked for: the dind backend needs a Docker host.
    const dindModule = '../sandbox/dind/dind-backend.ts';
    const mod = (await import(dindModule).catch(() => null)) as {
      createDindBackendFromEnv(): Promise<SandboxBackend>;
    } | null;
    if (!mod) {
      process.stderr.write('docker-tutor transcript: the dind backend is not available in this build\n');
      return 1;
    }
    backend = await mod.createDindBackendFromEnv();
  } else {
    process.stderr.write(`docker-tutor transcript: unknown backend '${backendName}' (sim or dind)\n`);
    return 1;
  }
  const scenario = files.length
    ? files.map((f) => readFileSync(f, 'utf8')).join('\n')
    : readFileSync(0, 'utf8');
  try {
    process.stdout.write(await transcript(backend, `transcript:${process.pid}:${Date.now()}`, scenario));
  } finally {
    await backend.close();
  }
  return 0;
}
