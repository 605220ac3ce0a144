import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite's cache (vitest keeps its results there) out of node_modules: a new entry there makes npm's record of the
  // installed tree look out of date, and every `npx holdfast` then reads the whole tree again (about 0.1 s more).
  cacheDir: '.cache/vite',
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Three files at a time even on 2 cores (vitest's default there is one): much of a file's time is spent
    // waiting on servers, databases and the browser. On the 2-core machine, in one slow hour, with PostgreSQL on:
    // 579 s with two at a time, 538 s with three.
    maxWorkers: Math.max(3, os.availableParallelism() - 1),
    // One fork runs file after file without importing the service again for each (no test mocks a module, stubs a
    // global or sets the environment): on this 2-core machine the suite took 462 s instead of 567 s, its imports
    // 13 s instead of 101 s.
    isolate: false,
    globalSetup: ['test/fixtures/build.global.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
