/**
 * HTTP API of the order-service:
 *   POST /orders                  { userId, amount, orderId? }  -> 201 order; 409 when orderId is taken
 *   GET  /orders/:id              -> the order with its status history
 *   POST /orders/:id/pay | ship | complete | refund  -> the order; 409 when the status does not allow it
 *   GET  /orders/:id/checks       -> the broker's check-backs about its creation and our answers
 */
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FaultInjector } from './fault-injection.js';
import type { Order, OrderAction, TransactionCheckRecord } from './order.js';
import { OrdersService } from './orders.service.js';

export class CreateOrderDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  userId!: string;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  amount!: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'orderId must be 1-64 of A-Z a-z 0-9 _ . -' })
  orderId?: string;
}

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly faults: FaultInjector,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: CreateOrderDto, @Query('fault') fault?: string): Promise<Order> {
    return this.orders.create(body, this.faults.parse(fault));
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Order> {
    return this.orders.get(id);
  }

  @Get(':id/checks')
  checks(@Param('id') id: string): TransactionCheckRecord[] {
    return this.orders.checks(id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param('id') id: string): Promise<Order> {
    return this.change(id, 'pay');
  }

  @Post(':id/ship')
  @HttpCode(200)
  ship(@Param('id') id: string): Promise<Order> {
    return this.change(id, 'ship');
  }

  @Post(':id/complete')
  @HttpCode(200)
  complete(@Param('id') id: string): Promise<Order> {
    return this.change(id, 'complete');
  }

  @Post(':id/refund')
  @HttpCode(200)
  refund(@Param('id') id: string): Promise<Order> {
    return this.change(id, 'refund');
  }

  private change(id: string, action: OrderAction): Promise<Order> {
    return this.orders.transition(id, action);
  }
}

@Controller()
export class HealthController {
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
