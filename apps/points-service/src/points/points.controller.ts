/**
 * HTTP API of the points-service:
 *   GET /users/:userId/points  -> { userId, points, entries }
 *   GET /stats                 -> ledger totals, duplicates skipped, consume-rate settings
 */
import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ROCKETMQ_IDEMPOTENCY_STORE } from '@rocketnest/nestjs';
import type { IdempotencyStore } from '@rocketnest/nestjs';
import { POINTS_SERVICE_OPTIONS } from '../points-service-options.js';
import type { ResolvedPointsServiceOptions } from '../points-service-options.js';
import { PointsLedger } from './points.ledger.js';
import type { LedgerTotals, UserPoints } from './points.ledger.js';

export interface PointsStats extends LedgerTotals {
  /** Deliveries skipped because their order and status were already processed (since start). */
  duplicatesSkipped: number;
  maxConsumeRatePerSecond: number;
  concurrency: number;
}

@Controller()
export class PointsController {
  constructor(
    private readonly ledger: PointsLedger,
    @Inject(ROCKETMQ_IDEMPOTENCY_STORE) private readonly dedup: IdempotencyStore,
    @Inject(POINTS_SERVICE_OPTIONS) private readonly options: ResolvedPointsServiceOptions,
  ) {}

  @Get('users/:userId/points')
  points(@Param('userId') userId: string): UserPoints {
    return this.ledger.pointsOf(userId);
  }

  @Get('stats')
  stats(): PointsStats {
    return {
      ...this.ledger.totals(),
      duplicatesSkipped: this.dedup.duplicatesSkipped,
      maxConsumeRatePerSecond: this.options.maxConsumeRatePerSecond,
      concurrency: this.options.concurrency,
    };
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
