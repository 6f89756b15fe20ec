/** Helpers shared by the Nest end-to-end suites (test/nestjs-*.spec.ts). */
import { Admin, MessageExt, PushConsumer } from '@rocketnest/client';
import { uniq, waitFor } from './support/broker.js';

/** Creates topics on the broker and waits until the NameServer routes them. */
export async function createTopics(namesrvAddr: string, topics: readonly string[], queueNums = 4): Promise<void> {
  const admin = new Admin({ namesrvAddr, instanceName: uniq('admin') });
  await admin.start();
  try {
    for (const topic of topics) await admin.createTopic(topic, { queueNums });
    await waitFor(async () => {
      const known = new Set(await admin.listTopics());
      return topics.every((topic) => known.has(topic));
    });
  } finally {
    await admin.shutdown();
  }
}

/** Moves a group's offsets on a topic back to the first message: every message is delivered again. */
export async function rewindGroup(namesrvAddr: string, group: string, topic: string): Promise<void> {
  const admin = new Admin({ namesrvAddr, instanceName: uniq('admin') });
  await admin.start();
  try {
    await admin.resetOffsetByTimestamp(group, topic, 0);
  } finally {
    await admin.shutdown();
  }
}

/** Reads `%DLQ%<group>` from the start once the broker has created it. */
export async function readDeadLetters(
  namesrvAddr: string,
  group: string,
  until: (messages: readonly MessageExt[]) => boolean,
  timeoutMs = 15_000,
): Promise<MessageExt[]> {
  const messages: MessageExt[] = [];
  const dlq = `%DLQ%${group}`;
  const admin = new Admin({ namesrvAddr, instanceName: uniq('admin') });
  await admin.start();
  try {
    await waitFor(async () => (await admin.listTopics()).includes(dlq), timeoutMs);
  } finally {
    await admin.shutdown();
  }
  const reader = new PushConsumer({
    namesrvAddr,
    group: uniq('dlq_reader'),
    instanceName: uniq('dlq'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    brokerSuspendMaxTimeMs: 1000,
  })
    .subscribe(dlq)
    .onMessage((message) => {
      messages.push(message);
    });
  await reader.start();
  try {
    await waitFor(() => until(messages), timeoutMs);
    return messages;
  } finally {
    await reader.shutdown();
  }
}

/** Consumer settings that keep suites fast: short long-polls, quick rebalances and error pauses. */
export const FAST_CONSUMER = Object.freeze({
  rebalanceIntervalMs: 1000,
  brokerSuspendMaxTimeMs: 1000,
  pullDelayOnErrorMs: 200,
  suspendCurrentQueueTimeMs: 200,
});
