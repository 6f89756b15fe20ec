import { StandaloneOptions } from '@rocketnest/broker';
import { TestBroker, startTempStandalone, uniq, waitFor as waitForWithin } from '../../../../test/support/broker.js';

// The client tests use the end-to-end fixture of test/support/broker.ts, with the broker's default delay
// levels (no 1s override) and a 10 s default wait.
export { uniq };
export type { TestBroker };

/** A real NameServer + Broker in a temp folder on ephemeral ports. */
export function startTestBroker(options: StandaloneOptions = {}): Promise<TestBroker> {
  return startTempStandalone(options, 'rocketnest-client-');
}

export function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  return waitForWithin(condition, timeoutMs, stepMs);
}
