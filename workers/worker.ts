/**
 * Entry point of a worker process (`docker-tutor worker` runs the same): `node --import tsx
 * workers/worker.ts`. Configured by environment; see docs/pipeline.md.
 */
import { run } from '../src/jobs/worker-command.ts';

process.exitCode = await run(process.argv.slice(2));
