/**
 * Consumer groups as heartbeats describe them (broker-semantics.md 3.1; ConsumerManager upstream): the
 * member channels, the subscriptions, consume type and message model. Callers learn from the return
 * values whether membership changed so they can send NOTIFY_CONSUMER_IDS_CHANGED.
 */
import type { ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData } from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';
import type { ClientChannelInfo } from './client-channel.js';

export class ConsumerGroupInfo {
  readonly channels = new Map<RemotingConnection, ClientChannelInfo>();
  readonly subscriptions = new Map<string, SubscriptionData>();
  consumeType: ConsumeType | undefined;
  messageModel: MessageModel | undefined;
  consumeFromWhere: ConsumeFromWhere | undefined;
  lastUpdateTimestamp = Date.now();

  constructor(readonly groupName: string) {}

  clientIds(): string[] {
    return [...this.channels.values()].map((channel) => channel.clientId);
  }

  /** Adds or refreshes a member; true when it is new (or changed its client id). */
  updateChannel(info: ClientChannelInfo): boolean {
    const existing = this.channels.get(info.connection);
    this.lastUpdateTimestamp = info.lastUpdateTimestamp;
    if (existing === undefined || existing.clientId !== info.clientId) {
      this.channels.set(info.connection, info);
      return true;
    }
    existing.lastUpdateTimestamp = info.lastUpdateTimestamp;
    existing.language = info.language;
    existing.version = info.version;
    return false;
  }

  /**
   * Replaces the subscription table (3.1 step 4): a new topic or a removed one is a change; the same topic
   * with a newer subVersion is replaced without counting as one.
   */
  updateSubscriptions(list: readonly SubscriptionData[]): boolean {
    let changed = false;
    const topics = new Set<string>();
    for (const sub of list) {
      topics.add(sub.topic);
      const old = this.subscriptions.get(sub.topic);
      if (old === undefined) {
        this.subscriptions.set(sub.topic, sub);
        changed = true;
      } else if (sub.subVersion > old.subVersion) {
        this.subscriptions.set(sub.topic, sub);
      }
    }
    for (const topic of [...this.subscriptions.keys()]) {
      if (!topics.has(topic)) {
        this.subscriptions.delete(topic);
        changed = true;
      }
    }
    return changed;
  }
}

export interface RegisterConsumerRequest {
  group: string;
  channel: ClientChannelInfo;
  consumeType: ConsumeType | undefined;
  messageModel: MessageModel | undefined;
  consumeFromWhere: ConsumeFromWhere | undefined;
  subscriptions: readonly SubscriptionData[];
  /** Heartbeat V2 without subscriptions: keep the registered ones. */
  keepSubscriptions: boolean;
}

export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();

  get(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  all(): IterableIterator<ConsumerGroupInfo> {
    return this.groups.values();
  }

  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  /** Registers a heartbeat's consumer group data; true when members or subscriptions changed. */
  register(request: RegisterConsumerRequest): boolean {
    let info = this.groups.get(request.group);
    if (info === undefined) {
      info = new ConsumerGroupInfo(request.group);
      this.groups.set(request.group, info);
    }
    info.consumeType = request.consumeType;
    info.messageModel = request.messageModel;
    info.consumeFromWhere = request.consumeFromWhere;
    const membersChanged = info.updateChannel(request.channel);
    const subscriptionsChanged = request.keepSubscriptions ? false : info.updateSubscriptions(request.subscriptions);
    return membersChanged || subscriptionsChanged;
  }

  /** Removes one member; true when it was one. Empty groups are dropped. */
  unregister(group: string, connection: RemotingConnection): boolean {
    const info = this.groups.get(group);
    if (info === undefined || !info.channels.delete(connection)) return false;
    if (info.channels.size === 0) this.groups.delete(group);
    return true;
  }

  /** Drops a closed connection from every group; returns the groups it left. */
  removeConnection(connection: RemotingConnection): string[] {
    const left: string[] = [];
    for (const info of [...this.groups.values()])
      if (this.unregister(info.groupName, connection)) left.push(info.groupName);
    return left;
  }

  /** Drops members silent for longer than `timeoutMs`; returns [group, connection] pairs removed. */
  removeExpired(now: number, timeoutMs: number): Array<[string, RemotingConnection]> {
    const removed: Array<[string, RemotingConnection]> = [];
    for (const info of [...this.groups.values()]) {
      for (const [connection, channel] of [...info.channels]) {
        if (now - channel.lastUpdateTimestamp > timeoutMs) {
          this.unregister(info.groupName, connection);
          removed.push([info.groupName, connection]);
        }
      }
    }
    return removed;
  }
}
