/**
 * Subscription group configurations (broker-semantics.md 3.1, 4.1; SubscriptionGroupManager upstream),
 * persisted to `config/subscriptionGroup.json`. Unknown groups are created on first use while
 * autoCreateSubscriptionGroup is on.
 */
import {
  Logger,
  SubscriptionGroupConfig,
  TOOLS_CONSUMER_GROUP,
  FILTERSRV_CONSUMER_GROUP,
  SELF_TEST_CONSUMER_GROUP,
  TRANS_CHECK_GROUP,
  createSubscriptionGroupConfig,
  decodeSubscriptionGroupWrapper,
  encodeSubscriptionGroupWrapper,
  isSystemGroup,
} from '@rocketnest/protocol';
import { DataVersionCounter, PersistedJson } from './persisted-json.js';

const BUILT_IN_GROUPS = [TOOLS_CONSUMER_GROUP, FILTERSRV_CONSUMER_GROUP, SELF_TEST_CONSUMER_GROUP, TRANS_CHECK_GROUP];

export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  readonly dataVersion = new DataVersionCounter();
  private readonly file: PersistedJson;

  constructor(
    private readonly autoCreate: boolean,
    path: string,
    private readonly logger: Logger,
  ) {
    this.file = new PersistedJson(path, () => this.render(), logger);
  }

  async load(): Promise<void> {
    const text = await this.file.read();
    if (text !== undefined) {
      const wrapper = decodeSubscriptionGroupWrapper(text);
      for (const [name, config] of Object.entries(wrapper.subscriptionGroupTable)) this.table.set(name, config);
      this.dataVersion.timestamp = wrapper.dataVersion.timestamp;
      this.dataVersion.counter = wrapper.dataVersion.counter;
    }
    for (const group of BUILT_IN_GROUPS) {
      if (!this.table.has(group)) this.table.set(group, createSubscriptionGroupConfig(group));
    }
    await this.file.persist();
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  groups(): IterableIterator<SubscriptionGroupConfig> {
    return this.table.values();
  }

  /** The group's config, created with defaults if allowed (auto-create on, or a system group). */
  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing !== undefined) return existing;
    if (!this.autoCreate && !isSystemGroup(group)) return undefined;
    this.logger.info('auto-created subscription group', { group });
    return this.upsert(createSubscriptionGroupConfig(group));
  }

  upsert(config: SubscriptionGroupConfig): SubscriptionGroupConfig {
    this.table.set(config.groupName, config);
    this.dataVersion.next();
    this.file.persistSoon();
    return config;
  }

  delete(group: string): boolean {
    const removed = this.table.delete(group);
    if (removed) {
      this.dataVersion.next();
      this.file.persistSoon();
    }
    return removed;
  }

  flush(): Promise<void> {
    return this.file.persist();
  }

  render(): string {
    return encodeSubscriptionGroupWrapper({
      subscriptionGroupTable: Object.fromEntries(this.table),
      dataVersion: this.dataVersion.toJSON(),
    }).toString('utf8');
  }
}
