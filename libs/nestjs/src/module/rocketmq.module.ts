/**
 * RocketMQModule.forRoot / forRootAsync: provides the ClientRocketMQ (injectable producer), the
 * idempotency store used by `@Idempotent()`, and the TransactionExplorer binding `@TransactionalMessage`.
 * Global, so feature modules inject ClientRocketMQ directly. The client closes on application shutdown.
 */
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClientRocketMQ } from '../client/client-rocketmq.js';
import { ROCKETMQ_IDEMPOTENCY_STORE, ROCKETMQ_MODULE_OPTIONS } from '../constants.js';
import { IdempotencyInterceptor } from '../idempotency/idempotent.decorator.js';
import { MemoryIdempotencyStore } from '../idempotency/memory-idempotency-store.js';
import { TransactionExplorer } from '../transactions/transaction-explorer.js';
import type { RocketMQModuleOptions } from './rocketmq-module-options.js';

export interface RocketMQModuleAsyncOptions {
  imports?: DynamicModule['imports'];
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => RocketMQModuleOptions | Promise<RocketMQModuleOptions>;
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
      providers: [
        { provide: ROCKETMQ_MODULE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        ...sharedProviders,
      ],
      exports: exported,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
