/**
 * The Broker (BrokerController upstream): store, metadata, client tables, processors and background
 * services wired together, listening on one port. `Broker.start()` returns a running broker;
 * `shutdown()` answers held pulls, stops accepting, persists metadata and closes the store cleanly.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger, childLogger } from '@rocketnest/protocol';
import { RemotingClient, RemotingConnection, RemotingServer } from '@rocketnest/remoting';
import { MessageStore } from '@rocketnest/store';
import { BrokerRegistrationClient } from '../broker-registration/broker-registration-client.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerOptions, ResolvedBrokerOptions, resolveBrokerOptions } from './broker-options.js';
import { BrokerProcessors, registerBrokerProcessors } from './broker-processors.js';
import { BrokerService, PeriodicTask } from './broker-service.js';
import { ConsumerManager } from './client-manager/consumer-manager.js';
import { ConsumerNotifier } from './client-manager/consumer-notifier.js';
import { ProducerManager } from './client-manager/producer-manager.js';
import { PullRequestHoldService } from './long-polling/pull-request-hold-service.js';
import { ConsumerOffsetManager } from './metadata/consumer-offset-manager.js';
import { SubscriptionGroupManager } from './metadata/subscription-group-manager.js';
import { TopicConfigManager } from './metadata/topic-config-manager.js';
import { PutPipeline, delayLevelStep, halfMessageStep, scheduleTagsCodeResolver } from './put/put-pipeline.js';
import { RebalanceLockManager } from './lock/rebalance-lock-manager.js';
import { ScheduleMessageService } from './schedule/schedule-message-service.js';
import { TransactionCheckService } from './transaction/transaction-check-service.js';
import { TransactionOps } from './transaction/transaction-ops.js';

/** Something that wants to run with the broker: gets the context before it listens. */
export type BrokerExtension = (broker: Broker) => BrokerService | BrokerService[] | void;

export class Broker {
  readonly context: BrokerContext;
  readonly processors: BrokerProcessors;
  private readonly services: BrokerService[] = [];
  private readonly logger: Logger;
  private listenPort = 0;
  private stopping: Promise<void> | null = null;
  /** Outgoing calls (NameServer registration). */
  private readonly outbound: RemotingClient;
  private readonly registration: BrokerRegistrationClient | null;

  private constructor(
    readonly options: ResolvedBrokerOptions,
    readonly store: MessageStore,
    readonly topicConfigs: TopicConfigManager,
    readonly subscriptionGroups: SubscriptionGroupManager,
    readonly consumerOffsets: ConsumerOffsetManager,
  ) {
    this.logger = childLogger(options.logger, 'broker');
    const server = new RemotingServer({
      host: options.host,
      port: options.port,
      maxFrameBytes: options.maxFrameBytes,
      idleTimeoutMs: options.idleTimeoutMs,
      logger: options.logger,
    });
    const consumers = new ConsumerManager();
    const producers = new ProducerManager();
    const puts = new PutPipeline(store);
    puts.addStep(
      'half-message',
      halfMessageStep(() => false),
    );
    puts.addStep('delay-level', delayLevelStep(options.delayLevelsMs.length));
    this.context = {
      options,
      logger: this.logger,
      store,
      server,
      topicConfigs,
      subscriptionGroups,
      consumerOffsets,
      consumers,
      producers,
      pullHold: new PullRequestHoldService(store, options.pullHoldCheckIntervalMs, this.logger),
      puts,
      brokerAddr: () => this.brokerAddr,
    };
    this.notifier = new ConsumerNotifier(consumers, options.notifyConsumerIdsChangedEnable, this.logger);
    this.locks = new RebalanceLockManager(options.rebalanceLockMaxLiveTimeMs);
    this.transactionOps = new TransactionOps(this.context);
    this.processors = registerBrokerProcessors(this.context, this.notifier, {
      locks: this.locks,
      transactionOps: this.transactionOps,
    });
    this.schedule = new ScheduleMessageService(
      this.context,
      path.join(options.dataDir, 'config', 'delayOffset.json'),
      { flushIntervalMs: options.flushDelayOffsetIntervalMs },
      this.logger,
    );
    this.transactionCheck = new TransactionCheckService(
      this.context,
      this.transactionOps,
      {
        intervalMs: options.transactionCheckIntervalMs,
        timeoutMs: options.transactionTimeoutMs,
        checkMax: options.transactionCheckMax,
        reserveMs: (options.store.fileReservedTimeHours ?? 72) * 3_600_000,
      },
      this.logger,
    );
    this.services.push(this.schedule, this.transactionCheck);
    this.outbound = new RemotingClient({ logger: options.logger });
    this.registration =
      options.namesrvAddr.length === 0
        ? null
        : new BrokerRegistrationClient(this.outbound, {
            namesrvAddrs: options.namesrvAddr,
            identity: () => ({
              clusterName: options.clusterName,
              brokerName: options.brokerName,
              brokerId: options.brokerId,
              brokerAddr: this.brokerAddr,
              haServerAddr: `${options.brokerIP1}:${this.listenPort + 1}`,
            }),
            topicConfigs: () => topicConfigs.snapshot(),
            registerNameServerPeriodMs: options.registerNameServerPeriodMs,
            brokerPermission: () => options.brokerPermission,
            logger: this.logger,
          });
    topicConfigs.onChange(() => this.registration?.requestRegister());
  }

  readonly notifier: ConsumerNotifier;
  readonly locks: RebalanceLockManager;
  readonly transactionOps: TransactionOps;
  readonly schedule: ScheduleMessageService;
  readonly transactionCheck: TransactionCheckService;

  /** Opens the store (recovering it), loads metadata, listens, starts the services. */
  static async start(options: BrokerOptions = {}, extensions: readonly BrokerExtension[] = []): Promise<Broker> {
    const resolved = resolveBrokerOptions(options);
    const logger = childLogger(resolved.logger, 'broker');
    const configDir = path.join(resolved.dataDir, 'config');
    await mkdir(configDir, { recursive: true });
    const store = await MessageStore.open(
      {
        ...resolved.store,
        storePathRootDir: resolved.store.storePathRootDir ?? path.join(resolved.dataDir, 'store'),
        flushDiskType: resolved.flushDiskType,
        maxMessageSize: resolved.maxMessageSizeBytes,
      },
      {
        logger: resolved.logger,
        tagsCodeResolver: scheduleTagsCodeResolver(resolved.delayLevelsMs),
        diskUsage: resolved.diskUsageProbe,
      },
    );
    try {
      const topicConfigs = new TopicConfigManager(resolved, path.join(configDir, 'topics.json'), logger);
      const groups = new SubscriptionGroupManager(
        resolved.autoCreateSubscriptionGroup,
        path.join(configDir, 'subscriptionGroup.json'),
        logger,
      );
      const offsets = new ConsumerOffsetManager(path.join(configDir, 'consumerOffset.json'), logger);
      await Promise.all([topicConfigs.load(), groups.load(), offsets.load()]);
      const broker = new Broker(resolved, store, topicConfigs, groups, offsets);
      for (const extension of extensions) {
        const added = extension(broker);
        if (added !== undefined) broker.services.push(...(Array.isArray(added) ? added : [added]));
      }
      await broker.listenAndStart();
      return broker;
    } catch (error) {
      await store.shutdown();
      throw error;
    }
  }

  /** `brokerIP1:port`: where clients reach this broker, and the store host of its records. */
  get brokerAddr(): string {
    return `${this.options.brokerIP1}:${this.listenPort}`;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Adds a background service (started at once if the broker already runs). */
  addService(service: BrokerService): void {
    this.services.push(service);
  }

  private async listenAndStart(): Promise<void> {
    const { server, store, pullHold, consumers, producers } = this.context;
    store.onMessageArriving((event) => pullHold.notify(event.topic, event.queueId, event.logicOffset, event.tagsCode));
    server.on('disconnect', (connection) => this.onDisconnect(connection));
    const address = await server.listen();
    this.listenPort = address.port;
    pullHold.start(this.processors.pull.reExecute);
    const { options } = this;
    this.services.unshift(
      new PeriodicTask(
        'consumer-offset-flush',
        options.flushConsumerOffsetIntervalMs,
        () => this.consumerOffsets.flush(),
        this.logger,
      ),
      new PeriodicTask(
        'client-channel-expiry',
        options.channelScanIntervalMs,
        () => {
          const now = Date.now();
          for (const [group, connection] of consumers.removeExpired(now, options.channelExpiredTimeoutMs)) {
            this.logger.info('consumer channel expired', { group, client: connection.remoteAddress });
            this.notifier.notifyGroup(group);
          }
          for (const connection of producers.removeExpired(now, options.channelExpiredTimeoutMs)) {
            this.logger.info('producer channel expired', { client: connection.remoteAddress });
          }
        },
        this.logger,
      ),
    );
    for (const service of this.services) await service.start();
    if (this.registration !== null) {
      const results = await this.registration.start();
      const failed = results.filter((r) => !r.ok).map((r) => r.namesrvAddr);
      if (failed.length > 0) this.logger.warn('some nameservers did not take the registration', { failed });
    }
    this.logger.info('broker started', {
      brokerAddr: this.brokerAddr,
      brokerName: options.brokerName,
      dataDir: options.dataDir,
    });
  }

  private onDisconnect(connection: RemotingConnection): void {
    const { consumers, producers, pullHold } = this.context;
    pullHold.removeConnection(connection);
    producers.removeConnection(connection);
    for (const group of consumers.removeConnection(connection)) this.notifier.notifyGroup(group);
  }

  /**
   * Tests only: stops like a killed process would, as far as peers can tell: connections drop at once, no
   * unregistration, no metadata flush, the store stops without its clean-shutdown steps.
   */
  async crashForTesting(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.stopping = (async () => {
      for (const connection of this.context.server.connections) connection.destroy();
      for (const service of this.services) await service.shutdown();
      await this.context.server.close();
      await this.outbound.shutdown();
      await this.store.crashForTesting();
    })();
    return this.stopping;
  }

  /** Idempotent clean stop. */
  shutdown(): Promise<void> {
    this.stopping ??= this.doShutdown();
    return this.stopping;
  }

  private async doShutdown(): Promise<void> {
    await this.registration?.shutdown();
    this.context.pullHold.shutdown();
    for (const service of [...this.services].reverse()) {
      try {
        await service.shutdown();
      } catch (error) {
        this.logger.error('service shutdown failed', { service: service.name, error: String(error) });
      }
    }
    await this.context.server.close();
    await this.outbound.shutdown();
    await Promise.all([this.consumerOffsets.flush(), this.topicConfigs.flush(), this.subscriptionGroups.flush()]);
    await this.store.shutdown();
    this.logger.info('broker stopped', { brokerAddr: this.brokerAddr });
  }
}
