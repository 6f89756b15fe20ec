/**
 * Our broker for a contender: `rocketnest standalone` from dist/apps/broker in its own process (BENCHMARKS.md:
 * broker in its own process, clients in this one), data in the contender's temp folder, ephemeral ports on
 * 127.0.0.1. Ready once the broker port accepts connections and the NameServer lists it.
 */
import { fileURLToPath } from 'node:url';
import { Admin } from '@rocketnest/client';
import { freePorts, startServerProcess, type ServerProcess } from '../../harness/index.js';

export type FlushMode = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

/** dist/bench/workloads/rocketnest/ -> dist/apps/broker/src/main.js */
const BROKER_MAIN = fileURLToPath(new URL('../../../apps/broker/src/main.js', import.meta.url));

export interface RocketnestBrokerOptions {
  readonly dataDir: string;
  readonly flush: FlushMode;
  readonly signal: AbortSignal;
  /** More CLI flags (`--transaction-check-interval-ms 500`...). */
  readonly extraArgs?: readonly string[];
  /** Fixed ports instead of free ephemeral ones (W10 restarts on the same data folder and ports). */
  readonly namesrvPort?: number;
  readonly brokerPort?: number;
}

export interface RocketnestBroker {
  readonly namesrvAddr: string;
  readonly brokerPort: number;
  readonly process: ServerProcess;
}

export async function startRocketnestBroker(options: RocketnestBrokerOptions): Promise<RocketnestBroker> {
  const [freeNamesrv, freeBroker] = await freePorts(2);
  const namesrvPort = options.namesrvPort ?? freeNamesrv!;
  const brokerPort = options.brokerPort ?? freeBroker!;
  const args = [
    BROKER_MAIN,
    'standalone',
    '--data-dir',
    options.dataDir,
    '--namesrv-port',
    String(namesrvPort),
    '--broker-port',
    String(brokerPort),
    '--flush-disk-type',
    options.flush,
    '--log-level',
    'warn',
    ...(options.extraArgs ?? []),
  ];
  const server = await startServerProcess({
    command: process.execPath,
    args,
    dir: options.dataDir,
    readyPort: brokerPort,
    signal: options.signal,
  });
  const namesrvAddr = `127.0.0.1:${namesrvPort}`;
  try {
    await waitForRegistration(namesrvAddr, options.signal);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { namesrvAddr, brokerPort, process: server };
}

/** The broker registers right after it listens; topic creation needs it listed by the NameServer. */
async function waitForRegistration(namesrvAddr: string, signal: AbortSignal, timeoutMs = 30_000): Promise<void> {
  const admin = new Admin({ namesrvAddr, instanceName: `bench-wait-${process.pid}` });
  await admin.start();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const info = await admin.clusterInfo();
        if (Object.keys(info.brokerAddrTable).length > 0) return;
      } catch {
        // NameServer not answering yet
      }
      if (signal.aborted || Date.now() > deadline)
        throw new Error(`broker not registered at ${namesrvAddr} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.shutdown();
  }
}
