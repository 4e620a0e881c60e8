import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests never fill the user's ~/.cache with event frames.
    env: { SPIKELAB_FRAME_CACHE: join(tmpdir(), `spikelab-test-frames-${process.pid}`) },
    reporters: ['default', './test/closingLineReporter.ts'],
  },
});
