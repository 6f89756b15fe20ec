import { IsInt, IsString, Min, MinLength } from 'class-validator';
import type { PointsEvent } from './points.ledger.js';

/**
 * The part of an order-service event (topic `order`, JSON body) the points-service relies on. A body that
 * does not fit goes to the dead-letter queue at once instead of being retried.
 */
export class OrderEventDto implements PointsEvent {
  @IsString()
  @MinLength(1)
  orderId!: string;

  @IsString()
  @MinLength(1)
  userId!: string;

  @IsInt()
  @Min(1)
  amount!: number;
}
