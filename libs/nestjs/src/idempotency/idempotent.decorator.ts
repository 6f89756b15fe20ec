import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, from, lastValueFrom, map } from 'rxjs';
import type { MessageExt } from '@rocketnest/client';
import { IDEMPOTENT_METADATA, ROCKETMQ_IDEMPOTENCY_STORE } from '../constants.js';
import { RocketMQContext } from '../context/rocketmq.context.js';
import type { IdempotencyStore } from './idempotency-store.js';

export interface IdempotentOptions {
  /** The deduplication key of a message; default: its unique id (UNIQ_KEY, stable across retries). */
  key?: (message: MessageExt, payload: unknown) => string;
}

/**
 * Runs the handler at most once per message key (per consumer group), with the store registered as
 * ROCKETMQ_IDEMPOTENCY_STORE (RocketMQModule's `idempotencyStore`, in-memory by default). A duplicate is
 * acknowledged without running the handler and counted in `store.duplicatesSkipped`.
 */
export function Idempotent(options: IdempotentOptions = {}): MethodDecorator {
  return applyDecorators(SetMetadata(IDEMPOTENT_METADATA, options), UseInterceptors(IdempotencyInterceptor));
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
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
    const key = `${ctx.getGroup()}:${options.key?.(message, rpc.getData()) ?? message.msgId}`;
    return from(this.store.runOnce(key, () => lastValueFrom(next.handle(), { defaultValue: undefined }))).pipe(
      map((result) => result.value),
    );
  }
}
