import { RpcException } from '@nestjs/microservices';
import { MQClientError, TransactionUnknownError } from '@rocketnest/client';

/**
 * Thrown by a handler, a guard or a pipe to send the message straight to the dead-letter queue instead of
 * retrying. `getError()` returns the exception itself so it survives Nest's RPC exceptions layer.
 */
export class RocketMQDeadLetterException extends RpcException {
  override name = 'RocketMQDeadLetterException';

  constructor(readonly reason: string | object = 'sent to the dead-letter queue') {
    super(reason);
  }

  override getError(): this {
    return this;
  }
}

/** Thrown by a `@TransactionalMessage` method to leave the outcome to the broker's check-back. */
export class RocketMQTransactionUnknownError extends TransactionUnknownError {
  override name = 'RocketMQTransactionUnknownError';
}

/** A reply carried an error from the responder's handler (`getError()`: what the handler threw). */
export class RocketMQReplyError extends RpcException {
  override name = 'RocketMQReplyError';
}

/** Misuse found at bootstrap or on a call (missing check handler, mixed consume modes in a group...). */
export class RocketMQConfigurationError extends MQClientError {
  override name = 'RocketMQConfigurationError';
}

/**
 * Raised by `IdempotencyScope.transaction()` when another delivery of the same key committed first; the
 * `@Idempotent` guard turns it into a skipped duplicate (the message is consumed).
 */
export class DuplicateMessageError extends MQClientError {
  override name = 'DuplicateMessageError';

  constructor(readonly key: string) {
    super(`message ${key} was already processed`);
  }
}

/**
 * An exceptionFactory for ValidationPipe: a payload that fails validation will never succeed, so it goes
 * to the DLQ at once rather than through every retry.
 * `new ValidationPipe({ exceptionFactory: deadLetterOnValidationError })`
 */
export function deadLetterOnValidationError(errors: unknown[]): RocketMQDeadLetterException {
  return new RocketMQDeadLetterException({ message: 'payload validation failed', errors });
}

/** A `@TransactionalMessage` half message was not stored durably: rolled back, the method did not run. */
export class RocketMQTransactionError extends MQClientError {
  override name = 'RocketMQTransactionError';
}
