import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { ClientRocketMQOptions } from '../client/client-rocketmq-options.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.js';

/** `RocketMQModule.forRoot(options)`: the producer's settings plus the app-wide RocketMQ defaults. */
export interface RocketMQModuleOptions extends ClientRocketMQOptions {
  /** Default consumer group of servers built with `RocketMQModule.microservice()`. */
  consumerGroup?: string;
  /** Store used by `@Idempotent()` (default: an in-memory TTL store). */
  idempotencyStore?: IdempotencyStore;
}

export interface RocketMQOptionsFactory {
  createRocketMQOptions(): RocketMQModuleOptions | Promise<RocketMQModuleOptions>;
}

/** `RocketMQModule.forRootAsync(...)`: one of useFactory, useClass, useExisting. */
export interface RocketMQModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory?: (...args: never[]) => RocketMQModuleOptions | Promise<RocketMQModuleOptions>;
  useClass?: Type<RocketMQOptionsFactory>;
  useExisting?: Type<RocketMQOptionsFactory>;
}
