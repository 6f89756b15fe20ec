import { DuplicateMessageError, RocketMQConfigurationError } from '../exceptions.js';
import type { IdempotencyScope, RunOnceResult } from './idempotency-store.js';

/**
 * The part of `runOnce` both stores share: a scope whose `transaction()` runs at most once and marks the
 * key through `atomically`, the mark after success when the handler never used the scope, and a
 * DuplicateMessageError for this key turned into a skipped duplicate.
 */
export async function runGuarded<T>(
  key: string,
  handler: (scope: IdempotencyScope) => Promise<T>,
  atomically: <R>(work: () => R) => R,
  markAfter: () => void,
  onDuplicate: () => void,
): Promise<RunOnceResult<T>> {
  let used = false;
  const scope: IdempotencyScope = {
    key,
    transaction<R>(work: () => R): R {
      if (used) throw new RocketMQConfigurationError('IdempotencyScope.transaction() runs once per delivery');
      used = true;
      return atomically(() => {
        const value = work();
        if (value instanceof Promise) {
          // Abort (and roll back) rather than commit the mark before async work finished.
          throw new RocketMQConfigurationError(
            'IdempotencyScope.transaction(work): work must be synchronous; await before, write inside',
          );
        }
        return value;
      });
    },
  };
  let value: T;
  try {
    value = await handler(scope);
  } catch (error) {
    if (error instanceof DuplicateMessageError && error.key === key) {
      onDuplicate();
      return { duplicate: true, value: undefined };
    }
    throw error;
  }
  if (!used) markAfter();
  return { duplicate: false, value };
}
