/**
 * Topic configurations (broker-semantics.md 1.12, Appendix B; TopicConfigManager upstream): the system
 * topics created at start, auto-creation from TBW102 on send, retry/DLQ creation, persisted to
 * `config/topics.json` in the TopicConfigSerializeWrapper shape.
 */
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  BENCHMARK_TOPIC,
  DEFAULT_TEMPLATE_TOPIC_PERM,
  DEFAULT_TOPIC_PERM,
  Logger,
  OFFSET_MOVED_EVENT_TOPIC,
  Perm,
  SCHEDULE_TOPIC,
  SELF_TEST_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  TopicConfig,
  TopicConfigSerializeWrapper,
  decodeTopicConfigSerializeWrapper,
  encodeTopicConfigSerializeWrapper,
  isInherited,
  replyTopic,
} from '@rocketnest/protocol';
import type { ResolvedBrokerOptions } from '../broker-options.js';
import { DataVersionCounter, PersistedJson } from './persisted-json.js';

export type TopicConfigListener = (topic: TopicConfig, kind: 'created' | 'updated' | 'deleted') => void;

export function newTopicConfig(topicName: string, queueNums: number, perm: number, topicSysFlag = 0): TopicConfig {
  return {
    topicName,
    readQueueNums: queueNums,
    writeQueueNums: queueNums,
    perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag,
    order: false,
    attributes: {},
  };
}

export class TopicConfigManager {
  private readonly table = new Map<string, TopicConfig>();
  readonly dataVersion = new DataVersionCounter();
  private readonly file: PersistedJson;
  private readonly listeners: TopicConfigListener[] = [];

  constructor(
    private readonly options: ResolvedBrokerOptions,
    path: string,
    private readonly logger: Logger,
  ) {
    this.file = new PersistedJson(
      path,
      () => encodeTopicConfigSerializeWrapper(this.snapshot()).toString('utf8'),
      logger,
    );
  }

  /** Loads `topics.json` and adds the system topics that are missing. */
  async load(): Promise<void> {
    const text = await this.file.read();
    if (text !== undefined) {
      const wrapper = decodeTopicConfigSerializeWrapper(text);
      for (const [name, config] of Object.entries(wrapper.topicConfigTable)) this.table.set(name, config);
      this.dataVersion.timestamp = wrapper.dataVersion.timestamp;
      this.dataVersion.counter = wrapper.dataVersion.counter;
    }
    for (const config of this.systemTopics())
      if (!this.table.has(config.topicName)) this.table.set(config.topicName, config);
    this.dataVersion.next();
    await this.file.persist();
  }

  private systemTopics(): TopicConfig[] {
    const { clusterName, brokerName, defaultTopicQueueNums, autoCreateTopicEnable } = this.options;
    const topics = [
      newTopicConfig(SELF_TEST_TOPIC, 1, DEFAULT_TOPIC_PERM),
      newTopicConfig(BENCHMARK_TOPIC, 1024, DEFAULT_TOPIC_PERM),
      // Cluster and broker name topics only mark the broker in routes: inherit bit only (Appendix B).
      newTopicConfig(clusterName, 16, Perm.INHERIT),
      newTopicConfig(brokerName, 1, Perm.INHERIT),
      newTopicConfig(OFFSET_MOVED_EVENT_TOPIC, 1, DEFAULT_TOPIC_PERM),
      newTopicConfig(SCHEDULE_TOPIC, 18, DEFAULT_TOPIC_PERM),
      newTopicConfig(TRANS_HALF_TOPIC, 1, DEFAULT_TOPIC_PERM),
      newTopicConfig(TRANS_OP_HALF_TOPIC, 1, DEFAULT_TOPIC_PERM),
      newTopicConfig(TRANS_CHECK_MAX_TIME_TOPIC, 1, Perm.READ),
      newTopicConfig(replyTopic(clusterName), 1, DEFAULT_TOPIC_PERM),
    ];
    if (autoCreateTopicEnable) {
      topics.push(newTopicConfig(AUTO_CREATE_TOPIC_KEY_TOPIC, defaultTopicQueueNums, DEFAULT_TEMPLATE_TOPIC_PERM));
    }
    return topics;
  }

  onChange(listener: TopicConfigListener): void {
    this.listeners.push(listener);
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  topics(): IterableIterator<TopicConfig> {
    return this.table.values();
  }

  /** Creates or replaces a topic (admin UPDATE_AND_CREATE_TOPIC, heartbeat retry topics...). */
  upsert(config: TopicConfig): TopicConfig {
    const existed = this.table.has(config.topicName);
    this.table.set(config.topicName, config);
    this.changed(config, existed ? 'updated' : 'created');
    return config;
  }

  delete(topic: string): boolean {
    const config = this.table.get(topic);
    if (config === undefined) return false;
    this.table.delete(topic);
    this.changed(config, 'deleted');
    return true;
  }

  /**
   * Auto-creation on send (Appendix A): only from a template topic with the inherit bit; TBW102 acts as one
   * only while autoCreateTopicEnable is on. Queue count = min(the producer's default, the template's).
   */
  createTopicInSendMessageMethod(
    topic: string,
    defaultTopic: string,
    clientQueueNums: number,
    topicSysFlag: number,
  ): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    const template = this.table.get(defaultTopic);
    if (template === undefined) return undefined;
    if (defaultTopic === AUTO_CREATE_TOPIC_KEY_TOPIC && !this.options.autoCreateTopicEnable) return undefined;
    if (!isInherited(template.perm)) return undefined;
    const queueNums = Math.max(
      1,
      Math.min(clientQueueNums > 0 ? clientQueueNums : template.writeQueueNums, template.writeQueueNums),
    );
    const config = newTopicConfig(topic, queueNums, template.perm & ~Perm.INHERIT, topicSysFlag);
    this.logger.info('auto-created topic', { topic, from: defaultTopic, queueNums });
    return this.upsert(config);
  }

  /** Retry and DLQ topics: created with the given queues when missing. */
  createTopicIfAbsent(topic: string, queueNums: number, perm: number, topicSysFlag = 0): TopicConfig {
    return this.table.get(topic) ?? this.upsert(newTopicConfig(topic, queueNums, perm, topicSysFlag));
  }

  /** Every topic config with the data version (REGISTER_BROKER applies the broker permission itself). */
  snapshot(): TopicConfigSerializeWrapper {
    return { topicConfigTable: Object.fromEntries(this.table), dataVersion: this.dataVersion.toJSON() };
  }

  flush(): Promise<void> {
    return this.file.persist();
  }

  private changed(config: TopicConfig, kind: 'created' | 'updated' | 'deleted'): void {
    this.dataVersion.next();
    this.file.persistSoon();
    for (const listener of this.listeners) listener(config, kind);
  }
}
