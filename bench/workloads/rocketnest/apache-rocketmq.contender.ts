/**
 * Apache RocketMQ's own broker (NameServer + broker JVMs from the interop scripts, same version as the interop
 * suites) driven by the same client adapter as ours, same flush mode: the headline "ours / Apache" ratios.
 * Without java, mvn or Maven Central the contender is skipped with the reason, and the run goes on.
 */
import {
  ApacheUnavailableError,
  DEFAULT_APACHE_ROCKETMQ_VERSION,
  startApacheCluster,
  type ApacheCluster,
} from '../../../interop/apache/cluster.js';
import { JvmStartError } from '../../../interop/apache/jvm-process.js';
import {
  ContenderUnavailableError,
  e2eWorkload,
  type ContenderSlot,
  type LoadShape,
  type SetupContext,
} from '../../harness/index.js';
import { DEFAULT_PAYLOAD_BYTES } from '../../harness/payload-stamp.js';
import { benchName, loadKey } from '../load-key.js';
import { connectRocketnestClient } from './rocketnest.adapter.js';
import type { FlushMode } from './rocketnest-broker.js';

/**
 * Broker JVM heap (the interop default; Apache's own runbroker.sh asks for 8 GiB): the bench keeps at most a
 * few thousand 1 KiB messages unconsumed, and the commit log lives in mmap'd files outside the heap.
 */
const BROKER_HEAP_MB = 1024;
/** NameServer JVM heap: it only holds the route of one broker. */
const NAMESRV_HEAP_MB = 256;

/** The cluster in `context.tempDir`, or ContenderUnavailableError when this machine cannot run Apache RocketMQ. */
async function startCluster(flush: FlushMode, context: SetupContext): Promise<ApacheCluster> {
  let cluster: ApacheCluster;
  try {
    cluster = await startApacheCluster({
      flushDiskType: flush,
      brokerHeapMb: BROKER_HEAP_MB,
      namesrvHeapMb: NAMESRV_HEAP_MB,
      tempParentDir: context.tempDir,
    });
  } catch (error) {
    // No JDK / mvn / Maven Central (ApacheUnavailableError), or jars cached but no `java` to run them.
    if (error instanceof ApacheUnavailableError || error instanceof JvmStartError) {
      throw new ContenderUnavailableError('Apache RocketMQ unavailable', { cause: error });
    }
    throw error;
  }
  // The setup cap fired while the JVMs were starting: the runner has given up on this contender.
  if (context.signal.aborted) {
    await cluster.stop();
    throw context.signal.reason instanceof Error ? context.signal.reason : new Error('setup aborted');
  }
  return cluster;
}

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
      broker: `Apache RocketMQ ${DEFAULT_APACHE_ROCKETMQ_VERSION} NameServer + broker JVMs (interop/apache)`,
      flushDiskType: flush,
      brokerHeapMb: BROKER_HEAP_MB,
      namesrvHeapMb: NAMESRV_HEAP_MB,
      queues: 8,
      consumer: 'PushConsumer, concurrently, defaults but rebalance every 1 s (same as ours)',
      // Ours is one `rocketnest standalone` process holding both roles, so both JVMs are counted here.
      serverCpu: 'broker + NameServer JVMs',
    },
    connect: async (context) => {
      const cluster = await startCluster(flush, context);
      try {
        return await connectRocketnestClient({
          namesrvAddr: cluster.namesrvAddr,
          serverPids: [cluster.brokerPid, cluster.namesrvPid],
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
