/**
 * The points-service's message handlers (consumer group `points-service`, orderly: the events of one order
 * come from one queue, in order). Each runs at most once per order and status: the idempotency guard keeps
 * its key in the service's own SQLite database, in the same transaction as the balance change, so a
 * redelivered or re-sent message changes nothing (`ctx.getIdempotencyScope().transaction(work)`: the ledger
 * writes and the processed mark commit together). A token bucket in front bounds the consume rate.
 */
import { Controller, Logger, UseInterceptors, ValidationPipe } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { MessageExt } from '@rocketnest/client';
import { Idempotent, RocketMQContext, Tag, Topic, deadLetterOnValidationError } from '@rocketnest/nestjs';
import { ConsumeRateInterceptor } from '../rate/consume-rate.interceptor.js';
import { OrderEventDto } from './order-event.dto.js';
import { PointsLedger } from './points.ledger.js';

export const ORDER_TOPIC = 'order';

/** `order:<orderId>:<status>`: one award and one take-back per order, whatever the message id. */
export function orderStatusKey(message: MessageExt, payload: unknown): string {
  const orderId = (payload as { orderId?: unknown } | null)?.orderId;
  return `order:${String(orderId)}:${message.tags ?? ''}`;
}

const validate = new ValidationPipe({ exceptionFactory: deadLetterOnValidationError });

@Controller()
export class PointsConsumer {
  private readonly logger = new Logger('PointsConsumer');

  constructor(private readonly ledger: PointsLedger) {}

  @Topic(ORDER_TOPIC)
  @Tag('paid')
  @Idempotent({ key: orderStatusKey })
  @UseInterceptors(ConsumeRateInterceptor)
  onPaid(@Payload(validate) event: OrderEventDto, @Ctx() ctx: RocketMQContext): void {
    const points = ctx.getIdempotencyScope().transaction(() => this.ledger.award(event, ctx.getMsgId()));
    this.logger.debug(`+${points} points to ${event.userId} for order ${event.orderId}`);
  }

  @Topic(ORDER_TOPIC)
  @Tag('refunded')
  @Idempotent({ key: orderStatusKey })
  @UseInterceptors(ConsumeRateInterceptor)
  onRefunded(@Payload(validate) event: OrderEventDto, @Ctx() ctx: RocketMQContext): void {
    const points = ctx.getIdempotencyScope().transaction(() => this.ledger.takeBack(event, ctx.getMsgId()));
    this.logger.debug(`-${points} points from ${event.userId} for refunded order ${event.orderId}`);
  }
}
