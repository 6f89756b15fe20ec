import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Standalone, StandaloneOptions, startStandalone } from '@rocketnest/broker';

let counter = 0;

/** A real NameServer + Broker in a temp folder on ephemeral ports. */
export async function startTestBroker(
  options: StandaloneOptions = {},
): Promise<Standalone & { dataDir: string; close(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-client-'));
  const standalone = await startStandalone({ dataDir, namesrvPort: 0, brokerPort: 0, ...options });
  return {
    ...standalone,
    namesrv: standalone.namesrv,
    broker: standalone.broker,
    namesrvAddr: standalone.namesrvAddr,
    brokerAddr: standalone.brokerAddr,
    dataDir,
    async close() {
      await standalone.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A name unique within the test run (topics, groups, instance names). */
export function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  stepMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export type TestBroker = Awaited<ReturnType<typeof startTestBroker>>;
