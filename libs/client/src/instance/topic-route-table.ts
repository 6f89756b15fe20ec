/**
 * Cached topic routes and what they mean to producers and consumers (broker-semantics.md 8.5, 10.4):
 * publish queues = write queues of writable QueueData whose broker has a live master; subscribe queues =
 * read queues of readable QueueData. Broker addresses come from every route seen.
 */
import {
  BrokerData,
  MessageQueue,
  TopicRouteData,
  compareMessageQueues,
  isReadable,
  isWriteable,
  masterAddr,
} from '@rocketnest/protocol';

export interface TopicPublishInfo {
  readonly route: TopicRouteData;
  /** Sorted by broker name then queue id (Java TopicPublishInfo order). */
  readonly queues: readonly MessageQueue[];
}

export function publishInfoOf(topic: string, route: TopicRouteData): TopicPublishInfo {
  const queues: MessageQueue[] = [];
  const masters = new Set(route.brokerDatas.filter((b) => masterAddr(b) !== undefined).map((b) => b.brokerName));
  const datas = [...route.queueDatas].sort((a, b) =>
    a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0,
  );
  for (const data of datas) {
    if (!isWriteable(data.perm) || !masters.has(data.brokerName)) continue;
    for (let queueId = 0; queueId < data.writeQueueNums; queueId++)
      queues.push({ topic, brokerName: data.brokerName, queueId });
  }
  return { route, queues };
}

export function subscribeQueuesOf(topic: string, route: TopicRouteData): MessageQueue[] {
  const queues: MessageQueue[] = [];
  for (const data of route.queueDatas) {
    if (!isReadable(data.perm)) continue;
    for (let queueId = 0; queueId < data.readQueueNums; queueId++)
      queues.push({ topic, brokerName: data.brokerName, queueId });
  }
  return queues.sort(compareMessageQueues);
}

/** A stable text form of a route for change detection (order-independent). */
export function routeFingerprint(route: TopicRouteData): string {
  const queues = route.queueDatas.map((q) => `${q.brokerName}/${q.readQueueNums}/${q.writeQueueNums}/${q.perm}`).sort();
  const brokers = route.brokerDatas
    .map((b) => `${b.brokerName}=${Object.entries(b.brokerAddrs).sort().join(',')}`)
    .sort();
  return `${queues.join(';')}|${brokers.join(';')}`;
}

export class BrokerAddressTable {
  /** brokerName -> brokerId -> addr */
  private readonly table = new Map<string, Map<number, string>>();

  update(brokers: readonly BrokerData[]): void {
    for (const broker of brokers) {
      const ids = new Map<number, string>();
      for (const [id, addr] of Object.entries(broker.brokerAddrs)) ids.set(Number(id), addr);
      this.table.set(broker.brokerName, ids);
    }
  }

  /** The master's address, if the broker name has a master. */
  master(brokerName: string): string | undefined {
    return this.table.get(brokerName)?.get(0);
  }

  /** The given broker id's address, else the master, else any. */
  pick(brokerName: string, brokerId = 0): string | undefined {
    const ids = this.table.get(brokerName);
    if (ids === undefined) return undefined;
    return ids.get(brokerId) ?? ids.get(0) ?? ids.values().next().value;
  }

  /** Every known address: masters only, or masters and slaves. */
  addresses(mastersOnly: boolean): string[] {
    const out: string[] = [];
    for (const ids of this.table.values()) {
      for (const [id, addr] of ids) if (!mastersOnly || id === 0) out.push(addr);
    }
    return out;
  }

  /** Forgets broker names no cached route mentions any more. */
  retainOnly(brokerNames: ReadonlySet<string>): void {
    for (const name of [...this.table.keys()]) if (!brokerNames.has(name)) this.table.delete(name);
  }

  brokerNameOf(addr: string): string | undefined {
    for (const [name, ids] of this.table) for (const a of ids.values()) if (a === addr) return name;
    return undefined;
  }
}
