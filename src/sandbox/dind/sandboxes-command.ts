/**
 * Housekeeping of dind sandboxes from a terminal (the cleanup command):
 *   ./bin/docker-tutor sandboxes list|cleanup|maintain|reset KEY|reset-course PREFIX
 * Uses the same environment as the tutor (DOCKER_HOST, SANDBOX_IMAGE, ...), with no warm pool.
 */
import { createDindBackendFromEnv } from './dind-backend.ts';

export async function runSandboxesCommand(argv: string[]): Promise<number> {
  const [action, arg] = argv;
  const usage = 'Usage: sandboxes list | cleanup | maintain | reset KEY | reset-course PREFIX\n';
  if (!action || action === '-h' || action === '--help') {
    process.stdout.write(usage);
    return action ? 0 : 1;
  }
  const backend = await createDindBackendFromEnv(process.env, { poolSize: 0, maintenanceIntervalMs: 0 });
  try {
    switch (action) {
      case 'list':
        for (const key of await backend.list()) process.stdout.write(`${key}\n`);
        return 0;
      case 'cleanup':
        process.stdout.write(`removed ${await backend.cleanup()} container(s)\n`);
        return 0;
      case 'maintain': {
        const { reaped, overQuota } = await backend.maintain();
        process.stdout.write(`reaped ${reaped.length} idle, reset ${overQuota.length} over the disk quota\n`);
        return 0;
      }
      case 'reset':
      case 'reset-course': {
        if (!arg) break;
        const keys = action === 'reset' ? [arg] : await backend.resetWhere(arg, true);
        if (action === 'reset') await backend.reset(arg);
        process.stdout.write(`reset ${keys.length} sandbox(es)\n`);
        return 0;
      }
    }
    process.stderr.write(usage);
    return 1;
  } finally {
    await backend.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSandboxesCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`sandboxes: ${e.message}\n`);
      process.exit(1);
    },
  );
}

/** `./bin/docker-tutor sandboxes ...` */
export const run = runSandboxesCommand;
