/**
 * What push and lite-pull consumers share about queues: which queues of a topic this member owns
 * (clustering rebalance, broker-semantics.md 3.2) and where a queue without an offset starts (3.4).
 */
import { Logger, MessageQueue, isRetryTopic, messageQueueKey } from '@rocketnest/protocol';
import type { ClientInstance } from '../instance/client-instance.js';
import { ALLOCATE_STRATEGIES, AllocateStrategyName } from './allocate-strategy.js';
import type { OffsetStore } from './offset-store.js';

export type ConsumeFromWhereName = 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';

/** The group's member client ids (sorted), asked from one broker of the topic; undefined when none answered. */
export async function consumerIdsOf(
  instance: ClientInstance,
  group: string,
  queues: readonly MessageQueue[],
  logger: Logger,
): Promise<string[] | undefined> {
  const brokerNames = [...new Set(queues.map((q) => q.brokerName))].sort(() => Math.random() - 0.5);
  for (const name of brokerNames) {
    const addr = instance.brokers.pick(name);
    if (addr === undefined) continue;
    try {
      return (await instance.api.getConsumerIdList(addr, group)).sort();
    } catch (error) {
      logger.debug('consumer id list failed', { brokerAddr: addr, error: String(error) });
    }
  }
  return undefined;
}

/**
 * The queues of `topic` this client owns: all of them when broadcasting, its share when clustering;
 * undefined when the route or the member list is not known yet (try again later).
 */
export async function assignQueues(
  instance: ClientInstance,
  group: string,
  topic: string,
  clustering: boolean,
  strategy: AllocateStrategyName,
  logger: Logger,
): Promise<MessageQueue[] | undefined> {
  let queues: MessageQueue[];
  try {
    queues = await instance.subscribeQueues(topic);
  } catch (error) {
    logger.debug('no route yet', { topic, error: String(error) });
    return undefined;
  }
  if (queues.length === 0) return undefined;
  if (!clustering) return queues;
  const clientIds = await consumerIdsOf(instance, group, queues, logger);
  if (clientIds === undefined) return undefined;
  return ALLOCATE_STRATEGIES[strategy](instance.clientId, queues, clientIds);
}

/** Start position of a queue without an in-memory offset (3.4); -2 = try again next round. */
export async function computePullFromWhere(
  instance: ClientInstance,
  offsets: OffsetStore,
  queue: MessageQueue,
  consumeFromWhere: ConsumeFromWhereName,
  consumeTimestamp: number,
  logger: Logger,
): Promise<number> {
  const last = await offsets.read(queue, true);
  if (last >= 0 || last === -2) return last;
  const addr = instance.brokers.master(queue.brokerName);
  if (addr === undefined) return -2;
  try {
    switch (consumeFromWhere) {
      case 'CONSUME_FROM_FIRST_OFFSET':
        return 0;
      case 'CONSUME_FROM_TIMESTAMP':
        if (isRetryTopic(queue.topic)) return await instance.api.getMaxOffset(addr, queue.topic, queue.queueId);
        return await instance.api.searchOffset(addr, queue.topic, queue.queueId, consumeTimestamp);
      default:
        if (isRetryTopic(queue.topic)) return 0;
        return await instance.api.getMaxOffset(addr, queue.topic, queue.queueId);
    }
  } catch (error) {
    logger.warn('start offset lookup failed', { queue: messageQueueKey(queue), error: String(error) });
    return -2;
  }
}
