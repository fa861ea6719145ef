import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Suites that start dockerd or redis-server share this 2-core machine; keep workers modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
