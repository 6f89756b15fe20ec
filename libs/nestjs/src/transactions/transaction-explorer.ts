/**
 * Finds `@TransactionalMessage` and `@TransactionCheck` methods on providers and controllers at bootstrap
 * (NESTJS.md F6: DiscoveryService + MetadataScanner, skipping aliases and request-scoped wrappers), binds
 * the transactional ones to the ClientRocketMQ, routes broker check-backs by topic to the check methods,
 * and fails bootstrap when a transactional topic has none.
 */
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { MessageExt, TransactionState } from '@rocketnest/client';
import { ClientRocketMQ } from '../client/client-rocketmq.js';
import { TRANSACTIONAL_MESSAGE_METADATA, TRANSACTION_CHECK_METADATA } from '../constants.js';
import { RocketMQConfigurationError, RocketMQTransactionError } from '../exceptions.js';
import {
  TRANSACTION_BINDINGS,
  TransactionCheckResult,
  TransactionRunner,
  TransactionalMessageOptions,
} from './transaction-decorators.js';

type CheckMethod = (payload: unknown, message: MessageExt) => Promise<TransactionCheckResult> | TransactionCheckResult;

@Injectable()
export class TransactionExplorer implements OnModuleInit {
  private readonly logger = new Logger('RocketMQTransactions');
  private readonly checks = new Map<string, CheckMethod>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly client: ClientRocketMQ,
  ) {}

  onModuleInit(): void {
    const transactionalTopics = new Map<string, string>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = staticInstance(wrapper);
      if (instance === undefined) continue;
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const transactional = Reflect.getMetadata(TRANSACTIONAL_MESSAGE_METADATA, method) as
          TransactionalMessageOptions | undefined;
        if (transactional !== undefined) {
          this.bind(instance, name, transactional);
          transactionalTopics.set(transactional.topic, `${String(wrapper.name)}.${name}`);
        }
        const checkTopic = Reflect.getMetadata(TRANSACTION_CHECK_METADATA, method) as string | undefined;
        if (checkTopic !== undefined) {
          if (this.checks.has(checkTopic))
            throw new RocketMQConfigurationError(`two @TransactionCheck handlers for topic ${checkTopic}`);
          this.checks.set(checkTopic, (method as CheckMethod).bind(instance));
        }
      }
    }
    for (const [topic, where] of transactionalTopics) {
      if (!this.checks.has(topic)) {
        throw new RocketMQConfigurationError(
          `${where} sends transactional messages to topic ${topic}, but no @TransactionCheck('${topic}') method answers check-backs`,
        );
      }
    }
    if (this.checks.size > 0) this.client.setTransactionChecker((message) => this.check(message));
  }

  /** A broker check-back: the topic's check method decides. */
  private async check(message: MessageExt): Promise<TransactionState> {
    const check = this.checks.get(message.topic);
    if (check === undefined) {
      this.logger.warn(`check-back for topic ${message.topic} without a @TransactionCheck method: unknown`);
      return 'unknown';
    }
    const result = await check(this.client.decode(message), message);
    if (result === true) return 'commit';
    if (result === false) return 'rollback';
    return result;
  }

  private bind(instance: object, name: string, options: TransactionalMessageOptions): void {
    const target = instance as { [TRANSACTION_BINDINGS]?: Map<string | symbol, TransactionRunner> };
    const bindings = target[TRANSACTION_BINDINGS] ?? new Map<string | symbol, TransactionRunner>();
    target[TRANSACTION_BINDINGS] = bindings;
    const { keys: keysOf, payload: payloadOf, shardingKey: shardingKeyOf, awaitCommit, ...pattern } = options;
    bindings.set(name, async (self, original, args) => {
      const payload = payloadOf === undefined ? args[0] : payloadOf(...args);
      const keys = keysOf?.(...args);
      const shardingKey = shardingKeyOf?.(...args);
      const result = await this.client.sendInTransaction(
        { ...pattern, keys, shardingKey },
        payload ?? null,
        async () => original.apply(self, args),
        { awaitCommit },
      );
      if (result.error !== undefined) throw result.error;
      if (result.state === 'rollback') {
        throw new RocketMQTransactionError(
          `transactional message to ${options.topic} was not stored durably (${result.sendResult.sendStatus}): rolled back, the method did not run`,
        );
      }
      return result.value;
    });
  }
}

function staticInstance(wrapper: InstanceWrapper): Record<string, unknown> | undefined {
  const instance: unknown = wrapper.instance;
  if (wrapper.isAlias || !wrapper.isDependencyTreeStatic()) return undefined;
  if (typeof instance !== 'object' || instance === null) return undefined;
  return instance as Record<string, unknown>;
}
