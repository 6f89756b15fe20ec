import { MessageExt as StoredMessage, MessageQueue, PullSysFlag } from '@rocketnest/protocol';
import { ClientInstance, MessageExt, toMessageExt } from '@rocketnest/client';

/** Raw stored records of one queue from `offset` (no long polling), read with PULL_MESSAGE. */
export async function pullStored(
  instance: ClientInstance,
  queue: MessageQueue,
  offset = 0,
  maxMsgNums = 64,
): Promise<StoredMessage[]> {
  await instance.topicRoute(queue.topic);
  const addr = instance.brokers.master(queue.brokerName);
  if (addr === undefined) throw new Error(`no master for ${queue.brokerName}`);
  const result = await instance.api.pullMessage(
    addr,
    {
      consumerGroup: 'client_test_reader',
      topic: queue.topic,
      queueId: queue.queueId,
      queueOffset: offset,
      maxMsgNums,
      sysFlag: PullSysFlag.SUBSCRIPTION,
      commitOffset: 0,
      suspendTimeoutMillis: 0,
      subscription: '*',
      subVersion: 0,
    },
    3000,
  );
  return result.messages;
}

/** Consumer views of one queue's messages from `offset`. */
export async function pullQueue(instance: ClientInstance, queue: MessageQueue, offset = 0): Promise<MessageExt[]> {
  return (await pullStored(instance, queue, offset)).map((m) => toMessageExt(m, queue.brokerName));
}

/** Every message of every readable queue of `topic` (fresh route each time). */
export async function pullTopic(instance: ClientInstance, topic: string): Promise<MessageExt[]> {
  await instance.updateTopicRoute(topic);
  const queues = await instance.subscribeQueues(topic);
  const all = await Promise.all(
    queues.map(async (queue) => {
      const out: MessageExt[] = [];
      for (;;) {
        const page = await pullQueue(instance, queue, out.length === 0 ? 0 : out[out.length - 1]!.queueOffset + 1);
        if (page.length === 0) return out;
        out.push(...page);
      }
    }),
  );
  return all.flat();
}

/** Polls `topic` until `predicate` holds for its messages, or fails after `timeoutMs`. */
export async function waitForTopic(
  instance: ClientInstance,
  topic: string,
  predicate: (messages: MessageExt[]) => boolean,
  timeoutMs = 10_000,
): Promise<MessageExt[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await pullTopic(instance, topic);
    if (predicate(messages)) return messages;
    if (Date.now() > deadline) {
      throw new Error(`topic ${topic}: condition not met within ${timeoutMs} ms (${messages.length} messages)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
