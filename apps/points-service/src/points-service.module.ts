/**
 * The points-service application: a RocketMQ consumer (ServerRocketMQ, connected in main.ts) and a small
 * HTTP API over its own SQLite database. `@Idempotent` handlers use SqlIdempotencyStore on the same
 * connection as the ledger.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { RocketMQModule, SqlIdempotencyStore } from '@rocketnest/nestjs';
import { POINTS_SERVICE_OPTIONS } from './points-service-options.js';
import type { ResolvedPointsServiceOptions } from './points-service-options.js';
import { PointsConsumer } from './points/points.consumer.js';
import { PointsController } from './points/points.controller.js';
import { POINTS_DATABASE, POINTS_SCHEMA, PointsLedger } from './points/points.ledger.js';
import { CONSUME_RATE_LIMITER, ConsumeRateInterceptor } from './rate/consume-rate.interceptor.js';
import { TokenBucket } from './rate/token-bucket.js';

/** Opens (and creates) `<dataDir>/points.db`; startup only, so synchronous fs is fine. */
export function openPointsDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(path.join(dataDir, 'points.db'));
  db.pragma('journal_mode = WAL');
  // Durable across a process crash (what the samples show); a power cut may lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(POINTS_SCHEMA);
  return db;
}

@Module({})
class PointsDatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(POINTS_DATABASE) private readonly db: Database) {}

  static register(dataDir: string): DynamicModule {
    return {
      module: PointsDatabaseModule,
      providers: [{ provide: POINTS_DATABASE, useFactory: () => openPointsDatabase(dataDir) }],
      exports: [POINTS_DATABASE],
    };
  }

  /** After the consumer has drained (Nest closes microservices before this hook). */
  onApplicationShutdown(): void {
    this.db.close();
  }
}

@Module({})
export class PointsServiceModule {
  static register(options: ResolvedPointsServiceOptions): DynamicModule {
    const database = PointsDatabaseModule.register(options.dataDir);
    return {
      module: PointsServiceModule,
      imports: [
        database,
        RocketMQModule.forRootAsync({
          imports: [database],
          inject: [POINTS_DATABASE],
          useFactory: (db: Database) => ({
            namesrvAddr: options.namesrvAddr,
            producerGroup: `${options.group}-producer`,
            idempotencyStore: new SqlIdempotencyStore(db),
          }),
        }),
      ],
      controllers: [PointsConsumer, PointsController],
      providers: [
        { provide: POINTS_SERVICE_OPTIONS, useValue: options },
        {
          provide: CONSUME_RATE_LIMITER,
          useFactory: () => new TokenBucket({ ratePerSecond: options.maxConsumeRatePerSecond }),
        },
        ConsumeRateInterceptor,
        PointsLedger,
      ],
    };
  }
}
