/**
 * Queue allocation among the members of a consumer group (broker-semantics.md 3.2). Every member must use
 * the same strategy; inputs are sorted the same way everywhere (queues by topic/broker/id, client ids by
 * Java string order).
 */
import { createHash } from 'node:crypto';
import type { MessageQueue } from '@rocketnest/protocol';

export type AllocateStrategyName = 'AVG' | 'AVG_BY_CIRCLE' | 'CONSISTENT_HASH';

export type AllocateStrategy = (
  clientId: string,
  queues: readonly MessageQueue[],
  clientIds: readonly string[],
) => MessageQueue[];

/** AllocateMessageQueueAveragely: contiguous ranges, the first `n % c` members one more. */
export const allocateAveragely: AllocateStrategy = (clientId, queues, clientIds) => {
  const index = clientIds.indexOf(clientId);
  if (index < 0 || queues.length === 0) return [];
  const n = queues.length;
  const c = clientIds.length;
  const mod = n % c;
  const size = n <= c ? 1 : mod > 0 && index < mod ? Math.floor(n / c) + 1 : Math.floor(n / c);
  const start = mod > 0 && index < mod ? index * size : index * size + mod;
  const range = Math.min(size, n - start);
  const out: MessageQueue[] = [];
  for (let k = 0; k < range; k++) out.push(queues[(start + k) % n]!);
  return out;
};

/** AllocateMessageQueueAveragelyByCircle: queue k goes to member k % c. */
export const allocateByCircle: AllocateStrategy = (clientId, queues, clientIds) => {
  const index = clientIds.indexOf(clientId);
  if (index < 0) return [];
  return queues.filter((_, k) => k % clientIds.length === index);
};

/** Java MD5Hash: the first 4 bytes of the MD5 of the UTF-8 key, as an unsigned number. */
function md5Hash(key: string): number {
  const digest = createHash('md5').update(key, 'utf8').digest();
  return digest.readUInt32BE(0);
}

const VIRTUAL_NODES = 10;

/** AllocateMessageQueueConsistentHash: a ring of 10 virtual nodes per member, keyed like Java's. */
export const allocateConsistentHash: AllocateStrategy = (clientId, queues, clientIds) => {
  if (!clientIds.includes(clientId)) return [];
  const ring: Array<[number, string]> = [];
  for (const id of clientIds) for (let i = 0; i < VIRTUAL_NODES; i++) ring.push([md5Hash(`${id}-${i}`), id]);
  ring.sort((a, b) => a[0] - b[0]);
  return queues.filter((mq) => {
    const hash = md5Hash(`MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`);
    const node = ring.find(([h]) => h >= hash) ?? ring[0]!;
    return node[1] === clientId;
  });
};

export const ALLOCATE_STRATEGIES: Readonly<Record<AllocateStrategyName, AllocateStrategy>> = {
  AVG: allocateAveragely,
  AVG_BY_CIRCLE: allocateByCircle,
  CONSISTENT_HASH: allocateConsistentHash,
};
