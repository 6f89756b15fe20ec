/**
 * Apache RocketMQ's own broker (NameServer + broker JVMs from the interop scripts, same version as the interop
 * suites) driven by the same client adapter as ours, same flush mode: the headline "ours / Apache" ratios.
 * Without java, mvn or Maven Central the contender fails its setup with the reason, and the run goes on.
 */
import { startApacheCluster } from '../../../interop/apache/cluster.js';
import { e2eWorkload, type ContenderSlot, type LoadShape } from '../../harness/index.js';
import { DEFAULT_PAYLOAD_BYTES } from '../../harness/payload-stamp.js';
import { benchName, loadKey } from '../load-key.js';
import { connectRocketnestClient } from './rocketnest.adapter.js';
import type { FlushMode } from './rocketnest-broker.js';

/** Broker JVM heap: enough for the bench's backlog, small enough for a shared 2-core machine. */
const BROKER_HEAP_MB = 1024;

export function apacheRocketmqWindow(inFlight: number, flush: FlushMode = 'ASYNC_FLUSH'): ContenderSlot {
  const load: LoadShape = { kind: 'window', inFlight };
  const key = `apache-rocketmq${flush === 'SYNC_FLUSH' ? '-sync' : ''}/${loadKey(load)}`;
  return e2eWorkload({
    key,
    label: `Apache RocketMQ broker, ${flush} (our client)`,
    owner: 'peer',
    durability: flush === 'SYNC_FLUSH' ? 'sync' : 'async',
    load,
    settings: {
      client: '@rocketnest/client (same adapter as ours)',
      broker: 'Apache RocketMQ 5.5.0 NameServer + broker JVMs (interop/apache)',
      flushDiskType: flush,
      brokerHeapMb: BROKER_HEAP_MB,
      queues: 8,
      serverCpu: 'broker JVM only',
    },
    connect: async () => {
      const cluster = await startApacheCluster({ flushDiskType: flush, brokerHeapMb: BROKER_HEAP_MB });
      try {
        return await connectRocketnestClient({
          namesrvAddr: cluster.namesrvAddr,
          serverPids: [cluster.brokerPid],
          name: benchName(key),
          queueNums: 8,
          payloadBytes: DEFAULT_PAYLOAD_BYTES,
          send: { kind: 'single' },
          consumeMode: 'concurrently',
          fsyncCounter: false,
          onClose: () => cluster.stop(),
        });
      } catch (error) {
        await cluster.stop();
        throw error;
      }
    },
  });
}
