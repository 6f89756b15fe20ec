/**
 * RocketMQModule.forRoot / forRootAsync: provides the ClientRocketMQ (the injectable producer), the
 * idempotency store used by `@Idempotent()`, and the TransactionExplorer that binds
 * `@TransactionalMessage` methods. Global, so feature modules inject ClientRocketMQ directly. The client
 * closes on application shutdown, after the microservices (their replies and handlers may still send).
 */
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClientRocketMQ } from '../client/client-rocketmq.js';
import { ROCKETMQ_IDEMPOTENCY_STORE, ROCKETMQ_MODULE_OPTIONS } from '../constants.js';
import { RocketMQConfigurationError } from '../exceptions.js';
import { IdempotencyInterceptor } from '../idempotency/idempotent.decorator.js';
import { MemoryIdempotencyStore } from '../idempotency/memory-idempotency-store.js';
import { ServerRocketMQ } from '../server/server-rocketmq.js';
import type { ServerRocketMQOptions } from '../server/server-rocketmq-options.js';
import { TransactionExplorer } from '../transactions/transaction-explorer.js';
import type {
  RocketMQModuleAsyncOptions,
  RocketMQModuleOptions,
  RocketMQOptionsFactory,
} from './rocketmq-module-options.js';

/** What `connectMicroservice` / `NestFactory.createMicroservice` take to build a server from DI. */
export interface RocketMQMicroserviceOptions {
  inject: [typeof ROCKETMQ_MODULE_OPTIONS];
  useFactory: (options: RocketMQModuleOptions) => { strategy: ServerRocketMQ };
}

const sharedProviders: Provider[] = [
  {
    provide: ClientRocketMQ,
    inject: [ROCKETMQ_MODULE_OPTIONS],
    useFactory: (options: RocketMQModuleOptions) => new ClientRocketMQ(options),
  },
  {
    provide: ROCKETMQ_IDEMPOTENCY_STORE,
    inject: [ROCKETMQ_MODULE_OPTIONS],
    useFactory: (options: RocketMQModuleOptions) => options.idempotencyStore ?? new MemoryIdempotencyStore(),
  },
  TransactionExplorer,
  IdempotencyInterceptor,
];

const exported = [ClientRocketMQ, ROCKETMQ_IDEMPOTENCY_STORE, ROCKETMQ_MODULE_OPTIONS, IdempotencyInterceptor];

@Global()
@Module({})
export class RocketMQModule implements OnApplicationShutdown {
  constructor(@Inject(ClientRocketMQ) private readonly client: ClientRocketMQ) {}

  static forRoot(options: RocketMQModuleOptions): DynamicModule {
    return {
      module: RocketMQModule,
      imports: [DiscoveryModule],
      providers: [{ provide: ROCKETMQ_MODULE_OPTIONS, useValue: options }, ...sharedProviders],
      exports: exported,
    };
  }

  static forRootAsync(options: RocketMQModuleAsyncOptions): DynamicModule {
    return {
      module: RocketMQModule,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [...asyncOptionsProviders(options), ...sharedProviders],
      exports: exported,
    };
  }

  /**
   * A server built from the module's options (nameservers, credentials, serializer, `consumerGroup`):
   * `app.connectMicroservice(RocketMQModule.microservice({ concurrency: 8 }))`.
   */
  static microservice(overrides: Partial<ServerRocketMQOptions> = {}): RocketMQMicroserviceOptions {
    return {
      inject: [ROCKETMQ_MODULE_OPTIONS],
      useFactory: (options) => {
        // Producer-only settings stay behind; client settings (nameservers, credentials, ...) carry over.
        const {
          producerGroup: _producerGroup,
          consumerGroup,
          idempotencyStore: _idempotencyStore,
          replyTimeoutMs: _replyTimeoutMs,
          sendTimeoutMs: _sendTimeoutMs,
          retryTimesWhenSendFailed: _retryTimesWhenSendFailed,
          retryAnotherBrokerWhenNotStoreOK: _retryAnotherBrokerWhenNotStoreOK,
          compressThresholdBytes: _compressThresholdBytes,
          maxMessageSizeBytes: _maxMessageSizeBytes,
          defaultTopicQueueNums: _defaultTopicQueueNums,
          sendLatencyFaultEnable: _sendLatencyFaultEnable,
          ...shared
        } = options;
        const group = overrides.group ?? consumerGroup;
        if (group === undefined)
          throw new RocketMQConfigurationError(
            'RocketMQModule.microservice() needs consumerGroup (module or override)',
          );
        return { strategy: new ServerRocketMQ({ ...shared, ...overrides, group }) };
      },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

function asyncOptionsProviders(options: RocketMQModuleAsyncOptions): Provider[] {
  if (options.useFactory !== undefined)
    return [{ provide: ROCKETMQ_MODULE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory }];
  const factory = options.useClass ?? options.useExisting;
  if (factory === undefined)
    throw new RocketMQConfigurationError('RocketMQModule.forRootAsync needs useFactory, useClass or useExisting');
  const optionsProvider: Provider = {
    provide: ROCKETMQ_MODULE_OPTIONS,
    inject: [factory],
    useFactory: (instance: RocketMQOptionsFactory) => instance.createRocketMQOptions(),
  };
  return options.useClass !== undefined
    ? [optionsProvider, { provide: factory, useClass: factory }]
    : [optionsProvider];
}
