/** kill -9 under ASYNC_FLUSH load; see helpers/crash-harness.ts for what each round does and checks. */
import { afterEach, describe, it } from 'vitest';
import { cleanUpCrashRun, crashRounds } from './helpers/crash-harness.js';

afterEach(cleanUpCrashRun);

describe('crash recovery under ASYNC_FLUSH (kill -9)', () => {
  // Acknowledged = handed to the kernel, which a process crash does not lose: the same checks apply.
  it('never corrupts the store and keeps every acknowledged message across 20 kills', async () => {
    await crashRounds('ASYNC_FLUSH');
  }, 60_000);
});
