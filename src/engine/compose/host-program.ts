/** `docker-compose` (Compose 1.29) on the sandbox host. */
import { registerHostProgram } from '../host.ts';
import { runCompose } from './cli.ts';

registerHostProgram('docker-compose', (engine, argv, term) => runCompose(engine, argv.slice(1), term, 'v1'));
