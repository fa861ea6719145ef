import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { backendContract } from './backend-contract.ts';

backendContract('sim', async () => {
  const backend = new SimBackend();
  return { backend, dispose: () => backend.close() };
});
