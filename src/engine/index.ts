/**
 * The simulated engine's public face. Importing this module registers every docker command and
 * host program (curl, docker-compose) the sandbox host has.
 */
import './cli/commands/index.ts';
import './host-programs/curl.ts';
import './compose/host-program.ts';

export { runDocker } from './cli/docker.ts';
export type { CommandResult } from './cli/terminal.ts';
export { Engine, type EngineOptions, SANDBOX_HOST } from './engine.ts';
export { registerHostProgram, runHostLine } from './host.ts';
export type { EngineState } from './model/state.ts';
