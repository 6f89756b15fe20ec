/** kill -9 under SYNC_FLUSH load; see helpers/crash-harness.ts for what each round does and checks. */
import { afterEach, describe, it } from 'vitest';
import { cleanUpCrashRun, crashRounds } from './helpers/crash-harness.js';

afterEach(cleanUpCrashRun);

describe('crash recovery under SYNC_FLUSH (kill -9)', () => {
  it('keeps every acknowledged message, intact, queued and indexed, across 20 kills and power cuts', async () => {
    await crashRounds('SYNC_FLUSH');
  }, 60_000);
});
