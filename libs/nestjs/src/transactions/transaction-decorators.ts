/**
 * `@TransactionalMessage({ topic, tag })` on a provider method: the message (the first argument unless
 * `payload` says otherwise) is sent as a half message, the method runs as the local transaction, its
 * result commits and its error rolls back (and is rethrown); RocketMQTransactionUnknownError leaves the
 * outcome to the broker's check-back. `@TransactionCheck('topic')` marks the method that answers it.
 * The wrapper is inert until TransactionExplorer binds it in onModuleInit (DI, no global registry: two
 * apps in one process stay apart).
 */
import { TRANSACTIONAL_MESSAGE_METADATA, TRANSACTION_CHECK_METADATA } from '../constants.js';
import { RocketMQConfigurationError } from '../exceptions.js';
import type { RocketMQEmitPattern } from '../pattern.js';

export interface TransactionalMessageOptions extends Omit<
  RocketMQEmitPattern,
  'keys' | 'shardingKey' | 'delayLevel' | 'timeoutMs'
> {
  /** Business keys from the method's arguments (the broker indexes them; handy in check-backs). */
  keys?: (...args: unknown[]) => string | readonly string[];
  /** Ordered messages: a key from the arguments; same key, same queue as the messages that follow. */
  shardingKey?: (...args: unknown[]) => string;
  /**
   * Wait for the broker to store the commit before the method returns (default false: END_TRANSACTION is
   * oneway, as in Java). Set it when the next message of the same key must be stored after this one.
   */
  awaitCommit?: boolean;
  /** The message body from the method's arguments (default: the first argument). */
  payload?: (...args: unknown[]) => unknown;
}

/**
 * What a `@TransactionCheck` method returns for a half message: commit, rollback, or unknown (asked again
 * later); `true` / `false` mean commit / rollback.
 */
export type TransactionCheckResult = 'commit' | 'rollback' | 'unknown' | boolean;

/** Per-instance bindings written by the explorer: method name -> runner. */
export const TRANSACTION_BINDINGS: unique symbol = Symbol('rocketnest:transaction-bindings');

export type TransactionRunner = (
  self: object,
  original: (...args: unknown[]) => unknown,
  args: unknown[],
) => Promise<unknown>;

type Bound = { [TRANSACTION_BINDINGS]?: Map<string | symbol, TransactionRunner> };

export function TransactionalMessage(options: TransactionalMessageOptions): MethodDecorator {
  return (_target, key, descriptor) => {
    const original = descriptor.value as unknown as (...args: unknown[]) => unknown;
    const wrapper = async function (this: Bound, ...args: unknown[]): Promise<unknown> {
      const runner = this[TRANSACTION_BINDINGS]?.get(key);
      if (runner === undefined) {
        throw new RocketMQConfigurationError(
          `@TransactionalMessage ${String(key)} is not bound: import RocketMQModule in this app`,
        );
      }
      return runner(this, original, args);
    };
    // Nest (and other decorators) keep metadata on the function object: carry it over.
    for (const metadataKey of Reflect.getMetadataKeys(original) as unknown[])
      Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, original), wrapper);
    Reflect.defineMetadata(TRANSACTIONAL_MESSAGE_METADATA, options, wrapper);
    Object.defineProperty(wrapper, 'name', { value: original.name });
    (descriptor as PropertyDescriptor).value = wrapper;
    return descriptor;
  };
}

/** The method answering check-backs for `topic`: `(payload, message) => TransactionCheckResult`. */
export function TransactionCheck(topic: string): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(TRANSACTION_CHECK_METADATA, topic, descriptor.value as object);
    return descriptor;
  };
}
