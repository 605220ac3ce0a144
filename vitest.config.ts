import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Two files at a time even on 2 cores (vitest's default there is one): most of a file's time is spent waiting
    // on servers, databases and the browser, and the whole suite then keeps well under 10 minutes.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    globalSetup: ['test/fixtures/build.global.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
