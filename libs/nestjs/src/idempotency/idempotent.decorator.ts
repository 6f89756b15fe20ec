/**
 * `@Idempotent()` on a RocketMQ handler: the idempotency guard. It is an interceptor rather than a Nest
 * Guard because it must wrap the handler's execution (a guard only says yes or no before it). Duplicates
 * are consumed without running the handler and counted by the store.
 */
import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, defer, lastValueFrom, map } from 'rxjs';
import type { MessageExt } from '@rocketnest/client';
import { IDEMPOTENT_METADATA, ROCKETMQ_IDEMPOTENCY_STORE } from '../constants.js';
import { RocketMQContext } from '../context/rocketmq.context.js';
import { idempotencyScopes } from './idempotency-scopes.js';
import type { IdempotencyStore } from './idempotency-store.js';

export interface IdempotentOptions {
  /**
   * The deduplication key (default: the message's unique id, UNIQ_KEY, the same for every redelivery and
   * for a producer's own retry). `payload` is the decoded body before pipes. Keys are per consumer group.
   */
  key?: (message: MessageExt, payload: unknown) => string;
}

/**
 * Runs the handler at most once per key, with the store registered as ROCKETMQ_IDEMPOTENCY_STORE
 * (RocketMQModule's `idempotencyStore`, in-memory by default). A `@MessagePattern` duplicate replies null.
 */
export function Idempotent(options: IdempotentOptions = {}): MethodDecorator {
  return applyDecorators(SetMetadata(IDEMPOTENT_METADATA, options), UseInterceptors(IdempotencyInterceptor));
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('RocketMQIdempotency');

  constructor(
    private readonly reflector: Reflector,
    @Inject(ROCKETMQ_IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = context.switchToRpc();
    const ctx = rpc.getContext<unknown>();
    if (!(ctx instanceof RocketMQContext)) return next.handle();
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_METADATA, context.getHandler()) ?? {};
    const message = ctx.getMessage();
    return defer(async () => {
      const key = `${ctx.getGroup()}:${options.key?.(message, rpc.getData()) ?? message.msgId}`;
      const result = await this.store.runOnce(key, async (scope) => {
        idempotencyScopes.set(ctx, scope);
        try {
          return await lastValueFrom(next.handle(), { defaultValue: undefined });
        } finally {
          idempotencyScopes.delete(ctx);
        }
      });
      if (result.duplicate)
        this.logger.debug(`duplicate skipped: ${key} (msgId ${message.msgId}, topic ${message.topic})`);
      return result;
    }).pipe(map((result) => result.value));
  }
}
