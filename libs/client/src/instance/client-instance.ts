/**
 * One client instance per client id in a process (Java MQClientInstance): the connections, the NameServer
 * choice, the topic route cache and its refresh, heartbeats to brokers for every registered producer and
 * consumer group, and the dispatch of requests brokers send to clients. Producers and consumers acquire it
 * and release it; the last release shuts it down.
 */
import {
  ConsumerData,
  MessageConst,
  MessageSysFlag,
  MessageExt as StoredMessage,
  decodeStoredMessage,
  readProperty,
  REPLY_MESSAGE_REQUEST_HEADER,
  decompressBody,
  decodeProperties,
  decodeResetOffsetBody,
  isCompressed,
  HeartbeatData,
  Logger,
  MessageQueue,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  TopicRouteData,
  childLogger,
  createResponse,
} from '@rocketnest/protocol';
import { RemotingClient, RemotingConnection } from '@rocketnest/remoting';
import { MQClientAPI } from '../api/mq-client-api.js';
import { ClientOptions, ResolvedClientOptions, resolveClientOptions } from '../client-options.js';
import { MQClientError } from '../errors.js';
import {
  BrokerAddressTable,
  TopicPublishInfo,
  publishInfoOf,
  routeFingerprint,
  subscribeQueuesOf,
} from './topic-route-table.js';

/** A producer or consumer group living in an instance. */
export interface ClientMember {
  readonly group: string;
  /** Consumer groups describe themselves in heartbeats; producers leave this undefined. */
  consumerData?(): ConsumerData;
  /** Transactional producers: a broker asks about a half message (CHECK_TRANSACTION_STATE). */
  checkTransaction?(request: RemotingCommand, brokerAddr: string): void;
  /** Consumers: the group's membership changed (NOTIFY_CONSUMER_IDS_CHANGED): rebalance now. */
  onConsumerIdsChanged?(): void;
  /** Consumers: an admin reset the group's offsets (RESET_CONSUMER_CLIENT_OFFSET). */
  resetOffsets?(offsets: ReadonlyArray<[MessageQueue, number]>): void;
  /**
   * Consumers: a broker relays an admin request addressed to this group (GET_CONSUMER_RUNNING_INFO,
   * CONSUME_MESSAGE_DIRECTLY, GET_CONSUMER_STATUS_FROM_CLIENT); the returned command is the response.
   */
  handleBrokerRequest?(request: RemotingCommand, connection: RemotingConnection): ProcessRequestResult;
}

/** Broker -> client requests routed to the consumer named in this header field (remoting-protocol.md 2.9). */
const GROUP_ROUTED_REQUESTS: ReadonlyMap<number, string> = new Map([
  [RequestCode.GET_CONSUMER_RUNNING_INFO, 'consumerGroup'],
  [RequestCode.CONSUME_MESSAGE_DIRECTLY, 'consumerGroup'],
  [RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, 'group'],
]);

/** First heartbeat after start (8.7: 1 s); later ones every heartbeatBrokerIntervalMs. */
const FIRST_HEARTBEAT_DELAY_MS = 1000;

/** Waiters of request-reply calls, by CORRELATION_ID. */
export type ReplyWaiter = (message: StoredMessage) => void;

export type BrokerRequestHandler = (
  request: RemotingCommand,
  connection: RemotingConnection,
) => RemotingCommand | null | Promise<RemotingCommand | null>;

export type ProcessRequestResult = RemotingCommand | null | Promise<RemotingCommand | null>;

const instances = new Map<string, ClientInstance>();

export class ClientInstance {
  readonly options: ResolvedClientOptions;
  readonly clientId: string;
  readonly api: MQClientAPI;
  readonly brokers = new BrokerAddressTable();
  private readonly logger: Logger;
  private readonly remoting: RemotingClient;
  private readonly routes = new Map<
    string,
    { route: TopicRouteData; fingerprint: string; publish: TopicPublishInfo }
  >();
  private readonly producers = new Map<string, ClientMember>();
  private readonly consumers = new Map<string, ClientMember>();
  private readonly routeListeners = new Set<(topic: string) => void>();
  private readonly handlers = new Map<number, BrokerRequestHandler>();
  private readonly routeLookups = new Map<string, Promise<TopicRouteData | undefined>>();
  /** request-reply calls waiting for PUSH_REPLY_MESSAGE_TO_CLIENT, by CORRELATION_ID. */
  readonly replyWaiters = new Map<string, ReplyWaiter>();
  private namesrvIndex: number;
  private refCount = 0;
  private timers: NodeJS.Timeout[] = [];
  private heartbeatRunning: Promise<void> | null = null;

  private constructor(options: ResolvedClientOptions, clientId: string) {
    this.options = options;
    this.clientId = clientId;
    this.logger = childLogger(options.logger, 'client');
    this.remoting = new RemotingClient({ logger: options.logger, invokeTimeoutMs: options.requestTimeoutMs });
    this.api = new MQClientAPI(this.remoting, options);
    this.namesrvIndex = Math.floor(Math.random() * options.namesrvAddr.length);
    for (const code of [
      RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
      RequestCode.CHECK_TRANSACTION_STATE,
      RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
      RequestCode.GET_CONSUMER_RUNNING_INFO,
      RequestCode.CONSUME_MESSAGE_DIRECTLY,
      RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT,
      RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT,
    ]) {
      this.remoting.registerProcessor(code, (request, connection) => this.dispatch(request, connection));
    }
    this.handlers.set(RequestCode.CHECK_TRANSACTION_STATE, (request, connection) =>
      this.onCheckTransaction(request, connection),
    );
    this.handlers.set(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (request) => this.onPushReply(request));
    this.handlers.set(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (request) => {
      const group = request.extFields?.['consumerGroup'];
      if (group !== undefined) this.consumers.get(group)?.onConsumerIdsChanged?.();
      return null;
    });
    this.handlers.set(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (request) => {
      const group = request.extFields?.['group'];
      const consumer = group === undefined ? undefined : this.consumers.get(group);
      if (consumer?.resetOffsets !== undefined && request.body !== null) {
        try {
          consumer.resetOffsets(decodeResetOffsetBody(request.body).offsetTable);
        } catch (error) {
          this.logger.warn('undecodable reset offset request', { group, error: String(error) });
        }
      }
      return null;
    });
  }

  /** CHECK_TRANSACTION_STATE (oneway): handed to the producer of the message's PGROUP, if it has a checker. */
  private onCheckTransaction(request: RemotingCommand, connection: RemotingConnection): null {
    let group: string | undefined;
    try {
      group = request.body === null ? undefined : decodeStoredMessage(request.body).properties[MessageConst.PGROUP];
    } catch (error) {
      this.logger.warn('undecodable transaction check', { brokerAddr: connection.remoteAddress, error: String(error) });
      return null;
    }
    const producer = group === undefined ? undefined : this.producers.get(group);
    if (producer?.checkTransaction === undefined) {
      this.logger.warn('transaction check for an unknown producer group', {
        group,
        brokerAddr: connection.remoteAddress,
      });
      return null;
    }
    producer.checkTransaction(request, connection.remoteAddress);
    return null;
  }

  /** PUSH_REPLY_MESSAGE_TO_CLIENT: completes the waiting request() by CORRELATION_ID (10.6). */
  private onPushReply(request: RemotingCommand): RemotingCommand {
    const header = REPLY_MESSAGE_REQUEST_HEADER.decode(request.extFields);
    const properties = header.properties ?? '';
    const correlationId = readProperty(properties, MessageConst.CORRELATION_ID);
    const waiter = correlationId === undefined ? undefined : this.replyWaiters.get(correlationId);
    if (waiter === undefined) {
      // Java drops replies nobody waits for (timed out, or another process) and still answers SUCCESS.
      this.logger.warn('reply for no waiting request', { correlationId });
      return createResponse(request, ResponseCode.SUCCESS);
    }
    const rawBody = request.body ?? Buffer.alloc(0);
    const sysFlag = header.sysFlag ?? 0;
    let body: Buffer;
    try {
      body = isCompressed(sysFlag) ? decompressBody(rawBody, sysFlag) : rawBody;
    } catch (error) {
      this.logger.warn('undecodable reply body', { correlationId, error: String(error) });
      return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'process reply message fail' });
    }
    waiter(replyAsStoredMessage(header, properties, body));
    return createResponse(request, ResponseCode.SUCCESS);
  }

  /** The instance for these options' client id (`clientIP@instanceName`), created on first use. */
  static acquire(options: ClientOptions): ClientInstance {
    const resolved = resolveClientOptions(options);
    const clientId = `${resolved.clientIP}@${resolved.instanceName === 'DEFAULT' ? String(process.pid) : resolved.instanceName}`;
    let instance = instances.get(clientId);
    if (instance === undefined) {
      instance = new ClientInstance(resolved, clientId);
      instances.set(clientId, instance);
      instance.startTimers();
    }
    instance.refCount += 1;
    return instance;
  }

  /** Drops one user; the last one closes connections and timers. */
  async release(): Promise<void> {
    this.refCount -= 1;
    if (this.refCount > 0) return;
    instances.delete(this.clientId);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    await this.heartbeatRunning;
    await this.remoting.shutdown();
  }

  private startTimers(): void {
    const refresh = setInterval(() => void this.refreshAllRoutes(), this.options.pollNameServerIntervalMs);
    const heartbeat = setInterval(() => void this.heartbeatTick(), this.options.heartbeatBrokerIntervalMs);
    const first = setTimeout(() => void this.heartbeatTick(), FIRST_HEARTBEAT_DELAY_MS);
    refresh.unref();
    heartbeat.unref();
    first.unref();
    this.timers.push(refresh, heartbeat, first);
  }

  /** The periodic heartbeat; also forgets brokers no route mentions any more (8.7). */
  private async heartbeatTick(): Promise<void> {
    const names = [...this.routes.values()].flatMap(({ route }) => route.brokerDatas.map((b) => b.brokerName));
    this.brokers.retainOnly(new Set(names));
    await this.sendHeartbeatToAllBrokers();
  }

  /**
   * Replaces the instance-wide handler of a broker -> client request code. Without one, group-addressed
   * admin requests go to the named consumer's `handleBrokerRequest`.
   */
  onBrokerRequest(code: number, handler: BrokerRequestHandler): void {
    this.handlers.set(code, handler);
  }

  private dispatch(request: RemotingCommand, connection: RemotingConnection): ProcessRequestResult {
    const handler = this.handlers.get(request.code);
    if (handler !== undefined) return handler(request, connection);
    const groupField = GROUP_ROUTED_REQUESTS.get(request.code);
    if (groupField !== undefined) {
      const group = request.extFields?.[groupField] ?? '';
      const member = this.consumers.get(group);
      if (member?.handleBrokerRequest !== undefined) return member.handleBrokerRequest(request, connection);
      return createResponse(request, ResponseCode.SYSTEM_ERROR, {
        remark: `The Consumer Group <${group}> not exist in this consumer`,
      });
    }
    return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, {
      remark: `no handler for ${request.code}`,
    });
  }

  registerProducer(member: ClientMember): void {
    if (this.producers.has(member.group))
      throw new MQClientError(`producer group ${member.group} already exists in client ${this.clientId}`);
    this.producers.set(member.group, member);
  }

  unregisterProducer(group: string): void {
    this.producers.delete(group);
  }

  registerConsumer(member: ClientMember): void {
    if (this.consumers.has(member.group))
      throw new MQClientError(`consumer group ${member.group} already exists in client ${this.clientId}`);
    this.consumers.set(member.group, member);
  }

  unregisterConsumer(group: string): void {
    this.consumers.delete(group);
  }

  consumer<T extends ClientMember>(group: string): T | undefined {
    return this.consumers.get(group) as T | undefined;
  }

  producer<T extends ClientMember>(group: string): T | undefined {
    return this.producers.get(group) as T | undefined;
  }

  onRouteChanged(listener: (topic: string) => void): () => void {
    this.routeListeners.add(listener);
    return () => this.routeListeners.delete(listener);
  }

  /**
   * Asks the NameServers for a route (sticking to one, moving on when it fails) and caches it; undefined
   * when the topic has none. Concurrent calls for one topic share one request.
   */
  updateTopicRoute(topic: string): Promise<TopicRouteData | undefined> {
    const running = this.routeLookups.get(topic);
    if (running !== undefined) return running;
    const lookup = this.lookupTopicRoute(topic).finally(() => this.routeLookups.delete(topic));
    this.routeLookups.set(topic, lookup);
    return lookup;
  }

  private async lookupTopicRoute(topic: string): Promise<TopicRouteData | undefined> {
    const addrs = this.options.namesrvAddr;
    let lastError: unknown;
    for (let attempt = 0; attempt < addrs.length; attempt++) {
      const addr = addrs[this.namesrvIndex % addrs.length]!;
      try {
        const route = await this.api.getTopicRouteInfo(addr, topic);
        if (route !== undefined) this.storeRoute(topic, route);
        return route;
      } catch (error) {
        lastError = error;
        this.logger.warn('namesrv request failed, trying the next one', {
          namesrvAddr: addr,
          topic,
          error: String(error),
        });
        this.namesrvIndex += 1;
      }
    }
    // Every NameServer failed: keep working on the cached route (NameServer down).
    const cached = this.routes.get(topic)?.route;
    if (cached !== undefined) return cached;
    throw new MQClientError(`no NameServer answered for topic ${topic}: ${String(lastError)}`, { cause: lastError });
  }

  private storeRoute(topic: string, route: TopicRouteData): void {
    const known = new Set(this.brokers.addresses(false));
    this.brokers.update(route.brokerDatas);
    // A broker seen for the first time learns at once which groups live here (check-backs, replies).
    if (this.brokers.addresses(false).some((addr) => !known.has(addr))) void this.sendHeartbeatToAllBrokers();
    const fingerprint = routeFingerprint(route);
    const previous = this.routes.get(topic);
    this.routes.set(topic, { route, fingerprint, publish: publishInfoOf(topic, route) });
    if (previous !== undefined && previous.fingerprint !== fingerprint)
      for (const listener of this.routeListeners) listener(topic);
  }

  /** The cached route, fetched if absent. */
  async topicRoute(topic: string): Promise<TopicRouteData | undefined> {
    return this.routes.get(topic)?.route ?? (await this.updateTopicRoute(topic));
  }

  async publishInfo(topic: string): Promise<TopicPublishInfo | undefined> {
    if (!this.routes.has(topic)) await this.updateTopicRoute(topic);
    return this.routes.get(topic)?.publish;
  }

  async subscribeQueues(topic: string): Promise<MessageQueue[]> {
    const route = await this.topicRoute(topic);
    return route === undefined ? [] : subscribeQueuesOf(topic, route);
  }

  cachedTopics(): string[] {
    return [...this.routes.keys()];
  }

  async refreshAllRoutes(): Promise<void> {
    await Promise.all(
      this.cachedTopics().map((topic) =>
        this.updateTopicRoute(topic).catch((error: unknown) =>
          this.logger.warn('route refresh failed', { topic, error: String(error) }),
        ),
      ),
    );
  }

  heartbeatData(): HeartbeatData {
    return {
      clientID: this.clientId,
      producerDataSet: [...this.producers.keys()].map((groupName) => ({ groupName })),
      consumerDataSet: [...this.consumers.values()].flatMap((member) =>
        member.consumerData === undefined ? [] : [member.consumerData()],
      ),
    };
  }

  /** HEART_BEAT to every known broker (all addresses with consumers, masters only for producers). */
  async sendHeartbeatToAllBrokers(): Promise<void> {
    const data = this.heartbeatData();
    if (data.producerDataSet.length === 0 && data.consumerDataSet.length === 0) return;
    const addrs = this.brokers.addresses(data.consumerDataSet.length === 0);
    const sending = Promise.all(
      addrs.map((addr) =>
        this.api
          .sendHeartbeat(addr, data)
          .catch((error: unknown) => this.logger.warn('heartbeat failed', { brokerAddr: addr, error: String(error) })),
      ),
    ).then(() => undefined);
    this.heartbeatRunning = sending;
    await sending;
  }
}

/** A pushed reply as a stored message, so request() callers get the same MessageExt shape as consumers. */
function replyAsStoredMessage(
  header: Partial<{
    topic: string;
    queueId: number;
    sysFlag: number;
    bornTimestamp: number;
    flag: number;
    reconsumeTimes: number;
    bornHost: string;
    storeHost: string;
    storeTimestamp: number;
  }>,
  properties: string,
  body: Buffer,
): StoredMessage {
  return {
    storeSize: 0,
    magicCode: 0,
    bodyCRC: 0,
    queueId: header.queueId ?? 0,
    flag: header.flag ?? 0,
    queueOffset: 0,
    commitLogOffset: 0,
    // The body was inflated already.
    sysFlag: (header.sysFlag ?? 0) & ~MessageSysFlag.COMPRESSED_FLAG,
    bornTimestamp: header.bornTimestamp ?? 0,
    bornHost: header.bornHost ?? '',
    storeTimestamp: header.storeTimestamp ?? 0,
    storeHost: header.storeHost ?? '',
    reconsumeTimes: header.reconsumeTimes ?? 0,
    preparedTransactionOffset: 0,
    body,
    topic: header.topic ?? '',
    properties: { ...decodeProperties(properties), [MessageConst.ARRIVE_TIME]: String(Date.now()) },
    offsetMsgId: '',
  };
}
