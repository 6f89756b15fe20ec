/**
 * `npm run test:interop` (through interop/run.sh): the suites against Apache RocketMQ, named `*.interop.ts` so
 * `npm test` never picks them up. Same SWC plugin and aliases as vitest.config.ts; one file at a time, since
 * each starts JVMs on a 2-core machine.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    include: ['test/interop/**/*.interop.ts'],
    testTimeout: 120_000,
    // The first run downloads Apache RocketMQ and the Java clients through Maven.
    hookTimeout: 12 * 60_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
