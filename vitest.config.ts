import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration files share one Redis and one PostgreSQL server, each with its own
    // prefix / schema, so files may run in parallel; two workers match CI's two cores.
    maxWorkers: 2,
  },
});
