/**
 * Finds `@TransactionalMessage` and `@TransactionCheck` methods on providers at bootstrap (NESTJS.md F6:
 * DiscoveryService + MetadataScanner), binds the transactional ones to the ClientRocketMQ, routes broker
 * check-backs by topic to the check methods, and fails bootstrap when a transactional topic has none.
 */
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { MessageExt, TransactionState } from '@rocketnest/client';
import { ClientRocketMQ } from '../client/client-rocketmq.js';
import { TRANSACTIONAL_MESSAGE_METADATA, TRANSACTION_CHECK_METADATA } from '../constants.js';
import { RocketMQConfigurationError } from '../exceptions.js';
import { TRANSACTION_BINDINGS, TransactionRunner, TransactionalMessageOptions } from './transaction-decorators.js';

type CheckMethod = (payload: unknown, message: MessageExt) => Promise<TransactionState> | TransactionState;

@Injectable()
export class TransactionExplorer implements OnModuleInit {
  private readonly checks = new Map<string, CheckMethod>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly client: ClientRocketMQ,
  ) {}

  onModuleInit(): void {
    const transactionalTopics = new Map<string, string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string | symbol, unknown> | undefined;
      if (
        wrapper.isAlias ||
        !wrapper.isDependencyTreeStatic() ||
        instance === undefined ||
        instance === null ||
        typeof instance !== 'object'
      )
        continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const transactional = Reflect.getMetadata(TRANSACTIONAL_MESSAGE_METADATA, method) as
          TransactionalMessageOptions | undefined;
        if (transactional !== undefined) {
          this.bind(instance as object, name, transactional);
          transactionalTopics.set(transactional.topic, `${wrapper.name}.${name}`);
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
    if (this.checks.size > 0) {
      this.client.setTransactionChecker(async (message) => {
        const check = this.checks.get(message.topic);
        if (check === undefined) return 'unknown';
        return check(this.client.decode(message), message);
      });
    }
  }

  private bind(instance: object, name: string, options: TransactionalMessageOptions): void {
    const target = instance as { [TRANSACTION_BINDINGS]?: Map<string | symbol, TransactionRunner> };
    const bindings = target[TRANSACTION_BINDINGS] ?? new Map<string | symbol, TransactionRunner>();
    target[TRANSACTION_BINDINGS] = bindings;
    bindings.set(name, async (self, original, args) => {
      const payload = options.payload === undefined ? args[0] : options.payload(...args);
      const keys = options.keys?.(...args);
      const { keys: _ignored, payload: _payload, ...pattern } = options;
      const result = await this.client.sendInTransaction({ ...pattern, keys }, payload ?? null, async () =>
        original.apply(self, args),
      );
      if (result.error !== undefined) throw result.error;
      if (result.state === 'rollback') {
        throw new RocketMQConfigurationError(
          `transactional message to ${options.topic} was not stored durably (${result.sendResult.sendStatus}); rolled back`,
        );
      }
      return result.value;
    });
  }
}
