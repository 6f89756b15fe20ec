import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Standalone, StandaloneOptions, startStandalone } from '@rocketnest/broker';

export interface TestBroker extends Standalone {
  dataDir: string;
}

let counter = 0;

/**
 * A real NameServer + Broker in a fresh temp folder (named from `dataDirPrefix`) on ephemeral ports;
 * `close()` also removes the folder. Shared with the client library's tests.
 */
export async function startTempStandalone(options: StandaloneOptions, dataDirPrefix: string): Promise<TestBroker> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), dataDirPrefix));
  const standalone = await startStandalone({ dataDir, namesrvPort: 0, brokerPort: 0, ...options });
  return {
    ...standalone,
    dataDir,
    namesrv: standalone.namesrv,
    broker: standalone.broker,
    namesrvAddr: standalone.namesrvAddr,
    brokerAddr: standalone.brokerAddr,
    async close() {
      await standalone.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The end-to-end broker: every delay level is 1s so retries and delayed messages arrive within a test. */
export function startTestBroker(options: StandaloneOptions = {}): Promise<TestBroker> {
  return startTempStandalone(
    {
      ...options,
      broker: { messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s', ...options.broker },
    },
    'rocketnest-e2e-',
  );
}

/** A name unique within the test run (topics, groups, instance names). */
export function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  stepMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
