/**
 * Administration over the remoting protocol (issue 6 "Admin"; what mqadmin / DefaultMQAdminExt do): topics,
 * cluster info, topic stats, consumer progress (lag per queue), message lookup by id and by key, and
 * resetting a group's offsets to a timestamp. Works against our broker and Apache RocketMQ.
 */
import {
  ClusterInfo,
  MessageQueue,
  RequestCode,
  ResponseCode,
  TopicOffset,
  decodeClusterInfo,
  decodeConsumeStats,
  decodeKVTable,
  decodeOffsetMsgId,
  decodeTopicList,
  decodeTopicStatsTable,
  encodeCreateTopicRequestHeader,
  masterAddr,
  NOOP_LOGGER,
  childLogger,
  compareMessageQueues,
  Logger,
  DEFAULT_TOPIC_PERM,
} from '@rocketnest/protocol';
import type { ClientOptions } from '../client-options.js';
import { MQClientError } from '../errors.js';
import { ClientInstance } from '../instance/client-instance.js';
import { MessageExt, toMessageExt } from '../message/message.js';

export interface CreateTopicOptions {
  /** Read and write queues per broker (8, as mqadmin updateTopic). */
  queueNums?: number;
  perm?: number;
  order?: boolean;
  /** Only on the brokers of this cluster (default: every broker known to the NameServer). */
  clusterName?: string;
}

export interface QueueProgress {
  queue: MessageQueue;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
  lastTimestamp: number;
}

export class Admin {
  private instance: ClientInstance | null = null;
  private readonly logger: Logger;

  constructor(private readonly options: ClientOptions) {
    this.logger = childLogger(options.logger ?? NOOP_LOGGER, 'admin');
  }

  async start(): Promise<void> {
    this.instance ??= ClientInstance.acquire({
      ...this.options,
      instanceName: this.options.instanceName ?? `admin-${process.pid}`,
    });
  }

  async shutdown(): Promise<void> {
    const instance = this.instance;
    this.instance = null;
    await instance?.release();
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const response = await this.namesrvCall(RequestCode.GET_BROKER_CLUSTER_INFO);
    return decodeClusterInfo(response.body!);
  }

  async listTopics(): Promise<string[]> {
    const response = await this.namesrvCall(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    return decodeTopicList(response.body!).topicList;
  }

  /** UPDATE_AND_CREATE_TOPIC on every master (of the cluster); routes follow at the broker's registration. */
  async createTopic(topic: string, options: CreateTopicOptions = {}): Promise<void> {
    const instance = this.started();
    const extFields = encodeCreateTopicRequestHeader({
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: options.queueNums ?? 8,
      writeQueueNums: options.queueNums ?? 8,
      perm: options.perm ?? DEFAULT_TOPIC_PERM,
      topicFilterType: 'SINGLE_TAG',
      order: options.order ?? false,
    });
    const masters = await this.masters(options.clusterName);
    if (masters.length === 0) throw new MQClientError('no broker master known to the NameServer');
    await Promise.all(
      masters.map((addr) =>
        instance.api.call(addr, instance.api.command(RequestCode.UPDATE_AND_CREATE_TOPIC, extFields)),
      ),
    );
  }

  /** DELETE_TOPIC_IN_BROKER on every master, then DELETE_TOPIC_IN_NAMESRV on every NameServer. */
  async deleteTopic(topic: string): Promise<void> {
    const instance = this.started();
    await Promise.all(
      (await this.masters()).map((addr) =>
        instance.api.call(addr, instance.api.command(RequestCode.DELETE_TOPIC_IN_BROKER, { topic })),
      ),
    );
    await Promise.all(
      instance.options.namesrvAddr.map((addr) =>
        instance.api.call(addr, instance.api.command(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic })),
      ),
    );
  }

  /** Min/max offsets and last update time of every queue of a topic. */
  async topicStats(topic: string): Promise<Array<[MessageQueue, TopicOffset]>> {
    const instance = this.started();
    const route = await instance.updateTopicRoute(topic);
    if (route === undefined) throw new MQClientError(`topic ${topic} has no route`);
    const out: Array<[MessageQueue, TopicOffset]> = [];
    for (const broker of route.brokerDatas) {
      const addr = masterAddr(broker);
      if (addr === undefined) continue;
      const response = await instance.api.call(addr, instance.api.command(RequestCode.GET_TOPIC_STATS_INFO, { topic }));
      out.push(...decodeTopicStatsTable(response.body!).offsetTable);
    }
    return out;
  }

  /** Consumer progress: per queue, the broker's max offset, the group's committed offset and the lag. */
  async consumerProgress(group: string, topic?: string): Promise<QueueProgress[]> {
    const instance = this.started();
    const masters = topic === undefined ? await this.masters() : await this.topicMasters(topic);
    const out: QueueProgress[] = [];
    for (const addr of masters) {
      const extFields: Record<string, string> = { consumerGroup: group };
      if (topic !== undefined) extFields['topic'] = topic;
      const response = await instance.api.call(addr, instance.api.command(RequestCode.GET_CONSUME_STATS, extFields));
      if (response.body === null) continue;
      for (const [queue, wrapper] of decodeConsumeStats(response.body).offsetTable) {
        out.push({
          queue,
          brokerOffset: wrapper.brokerOffset,
          consumerOffset: wrapper.consumerOffset,
          lag: Math.max(0, wrapper.brokerOffset - wrapper.consumerOffset),
          lastTimestamp: wrapper.lastTimestamp,
        });
      }
    }
    return out.sort((a, b) => compareMessageQueues(a.queue, b.queue));
  }

  /** A message by its offset message id (VIEW_MESSAGE_BY_ID sent to the broker the id names). */
  async viewMessage(offsetMsgId: string): Promise<MessageExt> {
    const instance = this.started();
    const id = decodeOffsetMsgId(offsetMsgId);
    const stored = await instance.api.viewMessage(id.address, id.physicalOffset);
    return toMessageExt(stored, instance.brokers.brokerNameOf(id.address) ?? '');
  }

  /** Messages of a topic with this key (KEYS), from every broker of the topic. */
  queryMessageByKey(
    topic: string,
    key: string,
    maxNum = 32,
    beginTimestamp = 0,
    endTimestamp = Date.now() + 60_000,
  ): Promise<MessageExt[]> {
    return this.query(topic, key, maxNum, beginTimestamp, endTimestamp, false);
  }

  /** The message with this client unique id (UNIQ_KEY, what users call the msgId). */
  async queryMessageByUniqKey(topic: string, msgId: string): Promise<MessageExt | undefined> {
    const found = await this.query(topic, msgId, 32, 0, Date.now() + 60_000, true);
    return found.find((m) => m.msgId === msgId);
  }

  private async query(
    topic: string,
    key: string,
    maxNum: number,
    begin: number,
    end: number,
    uniqueKey: boolean,
  ): Promise<MessageExt[]> {
    const instance = this.started();
    const out: MessageExt[] = [];
    const route = await instance.updateTopicRoute(topic);
    for (const broker of route?.brokerDatas ?? []) {
      const addr = masterAddr(broker);
      if (addr === undefined) continue;
      const stored = await instance.api.queryMessage(addr, topic, key, maxNum, begin, end, uniqueKey);
      for (const message of stored) {
        const view = toMessageExt(message, broker.brokerName);
        // The index is a hash: keep what really matches (2.8.2).
        if (view.topic !== topic && message.topic !== topic) continue;
        if (uniqueKey ? view.msgId === key : view.keys.includes(key)) out.push(view);
      }
    }
    return out;
  }

  /** GET_BROKER_RUNTIME_INFO of every master: the broker's figures (offsets, versions, store counters) by address. */
  async brokerRuntimeInfo(clusterName?: string): Promise<Map<string, Record<string, string>>> {
    const instance = this.started();
    const out = new Map<string, Record<string, string>>();
    for (const addr of await this.masters(clusterName)) {
      const response = await instance.api.call(addr, instance.api.command(RequestCode.GET_BROKER_RUNTIME_INFO));
      out.set(addr, decodeKVTable(response.body!).table);
    }
    return out;
  }

  /** Moves the group's offsets of a topic to the first message stored at/after `timestamp` (-1: the end). */
  async resetOffsetByTimestamp(group: string, topic: string, timestamp: number, force = true): Promise<void> {
    const instance = this.started();
    for (const addr of await this.topicMasters(topic)) {
      await instance.api.call(
        addr,
        instance.api.command(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
          topic,
          group,
          timestamp: String(timestamp),
          isForce: String(force),
        }),
        [ResponseCode.SUCCESS],
      );
    }
  }

  private async namesrvCall(code: number) {
    const instance = this.started();
    let lastError: unknown;
    for (const addr of instance.options.namesrvAddr) {
      try {
        return await instance.api.call(addr, instance.api.command(code));
      } catch (error) {
        lastError = error;
        this.logger.debug('namesrv call failed', { namesrvAddr: addr, error: String(error) });
      }
    }
    throw new MQClientError(`no NameServer answered request ${code}: ${String(lastError)}`, { cause: lastError });
  }

  private async masters(clusterName?: string): Promise<string[]> {
    const info = await this.clusterInfo();
    const names =
      clusterName === undefined ? Object.keys(info.brokerAddrTable) : (info.clusterAddrTable[clusterName] ?? []);
    return names
      .map((name) => info.brokerAddrTable[name])
      .flatMap((broker) => (broker === undefined || masterAddr(broker) === undefined ? [] : [masterAddr(broker)!]));
  }

  private async topicMasters(topic: string): Promise<string[]> {
    const route = await this.started().updateTopicRoute(topic);
    return (route?.brokerDatas ?? []).flatMap((broker) =>
      masterAddr(broker) === undefined ? [] : [masterAddr(broker)!],
    );
  }

  private started(): ClientInstance {
    if (this.instance === null) throw new MQClientError('admin is not started');
    return this.instance;
  }
}
